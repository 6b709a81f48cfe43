//! The printer: node trees to the bytes `kustomize build` writes (go-yaml v2 style).
