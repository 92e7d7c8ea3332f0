//! The pure Matrix logic that has no verdict of its own yet: the peer
//! models.

mod peers;
