//! Placeholder: the standalone herder.
