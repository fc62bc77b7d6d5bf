//! `KubeError`: every failure of the Kubernetes side, naming the object it concerns.

/// A failed Kubernetes call or an unusable object, with the object key in the message.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The API server answered a call about `object` with an error (or did not answer).
    #[error("{verb} {object}: {source}")]
    Api {
        verb: &'static str,
        object: String,
        #[source]
        source: kube::Error,
    },
    /// An object the controller needs does not exist.
    #[error("{object} not found{hint}")]
    NotFound { object: String, hint: String },
    /// An object exists but its content is unusable.
    #[error("{object}: {reason}")]
    Invalid { object: String, reason: String },
    /// The settings could not be turned into a valid configuration.
    #[error("{object}: {source}")]
    Config {
        object: String,
        #[source]
        source: crate::config::ConfigErrors,
    },
    /// The API server did not answer in time (kube's client retries 503/429 for
    /// minutes; one call must not hold up the loop that long).
    #[error("{verb} {object}: no answer within {after:?}")]
    Timeout {
        verb: &'static str,
        object: String,
        after: std::time::Duration,
    },
    /// The Lease is held by someone else (or could not be confirmed): no writes.
    #[error("not the leader of {lease}: {reason}")]
    NotLeader { lease: String, reason: String },
}

impl KubeError {
    pub(crate) fn api(verb: &'static str, object: impl Into<String>, source: kube::Error) -> Self {
        KubeError::Api {
            verb,
            object: object.into(),
            source,
        }
    }

    pub(crate) fn invalid(object: impl Into<String>, reason: impl Into<String>) -> Self {
        KubeError::Invalid {
            object: object.into(),
            reason: reason.into(),
        }
    }
}

/// Whether a kube error is the API server's 404.
pub(crate) fn is_not_found(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 404)
}

/// Whether a kube error is the API server's 409 (stale resourceVersion / already exists).
pub(crate) fn is_conflict(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 409)
}

/// How long one status or event write may take.
pub(crate) const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs one API call with [`CALL_TIMEOUT`].
pub(crate) async fn timed<T>(
    verb: &'static str,
    object: impl Into<String>,
    call: impl std::future::Future<Output = Result<T, KubeError>>,
) -> Result<T, KubeError> {
    tokio::time::timeout(CALL_TIMEOUT, call)
        .await
        .unwrap_or_else(|_| {
            Err(KubeError::Timeout {
                verb,
                object: object.into(),
                after: CALL_TIMEOUT,
            })
        })
}
