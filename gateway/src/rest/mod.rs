//! REST routers.
