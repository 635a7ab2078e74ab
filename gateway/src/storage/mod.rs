//! Offset, config and status backing stores.
