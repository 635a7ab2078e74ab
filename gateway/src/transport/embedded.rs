//! Placeholder: the embedded durable log.
