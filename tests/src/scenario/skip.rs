//! Predicates for `skip_serializing_if`, so that a scenario written back out (e.g. a
//! shrunk property-test failure) is as short as a hand-written one.

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

pub(crate) fn is_true(b: &bool) -> bool {
    *b
}

pub(crate) fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}
