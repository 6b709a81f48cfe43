//! Scalar typing: what a scalar's text means, as go-yaml v3 (input) reads it.
