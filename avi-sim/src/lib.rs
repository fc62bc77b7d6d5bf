//! avi-sim: an in-memory Avi controller.
