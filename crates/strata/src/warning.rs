//! Warnings: what a render reports without failing, typed so that embedders can match on the
//! kind instead of the text. `Display` prints a warning exactly as kustomize writes it on
//! stderr, which is what the CLI prints.

use std::fmt;

use crate::error::Location;

/// A warning from a render, in the order kustomize prints them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Warning {
    /// What the warning is about.
    pub kind: WarningKind,
    /// The text after kustomize's `# Warning: ` and the location, possibly with hint lines.
    pub message: String,
    /// Where in which file the cause is, when known.
    pub location: Option<Location>,
}

/// The kinds of [`Warning`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum WarningKind {
    /// A deprecated kustomization field (`bases`, `commonLabels`, `vars`, …) is used.
    Deprecated,
    /// A patch target selects no resource (no error in kustomize).
    TargetMatchesNothing,
    /// `vars` were defined but never referenced.
    UnusedVars,
    /// A SOPS-encrypted input was rendered as ciphertext, as kustomize renders it, because
    /// decryption was not asked for.
    Encrypted,
}

impl Warning {
    /// Returns a warning of `kind` with `message` and no location.
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Warning {
        Warning {
            kind,
            message: message.into(),
            location: None,
        }
    }

    /// Returns the warning with `location` set.
    #[must_use]
    pub fn at(mut self, location: Location) -> Warning {
        self.location = Some(location);
        self
    }
}

impl fmt::Display for Warning {
    /// Writes the warning as kustomize prints it: `# Warning: ` (except for unused vars, which
    /// kustomize logs bare), then `path:line:col: ` when located, then the message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind != WarningKind::UnusedVars {
            f.write_str("# Warning: ")?;
        }
        if let Some(loc) = &self.location {
            write!(f, "{}:{}: ", loc.path, loc.line_col)?;
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{LineCol, Span};

    #[test]
    fn displays_as_kustomize_prints() {
        let loc = Location {
            path: "k/kustomization.yaml".to_owned(),
            line_col: LineCol { line: 5, column: 3 },
            span: Span::default(),
        };
        let cases = [
            (
                Warning::new(WarningKind::Deprecated, "'bases' is deprecated."),
                "# Warning: 'bases' is deprecated.",
            ),
            (
                Warning::new(
                    WarningKind::TargetMatchesNothing,
                    "patch target matches no resource",
                )
                .at(loc),
                "# Warning: k/kustomization.yaml:5:3: patch target matches no resource",
            ),
            (
                Warning::new(
                    WarningKind::UnusedVars,
                    "well-defined vars that were never replaced: A",
                ),
                "well-defined vars that were never replaced: A",
            ),
        ];
        for (w, want) in cases {
            assert_eq!(w.to_string(), want);
        }
    }
}
