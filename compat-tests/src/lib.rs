//! Shared helpers for the black-box REST tests in `tests/`.
