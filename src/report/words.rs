//! The words reports use for catalog values.

use crate::catalog::{DataClass, Effect, Perm};

/// "Group › label" as Greenhouse's screen shows the permission.
pub fn screen_label(perm: Perm) -> String {
    format!("{} › {}", perm.group(), perm.label())
}

/// Every data class, in the order of DESIGN.md section 4 "Risk": from reference data to
/// what exposes people most and what runs the system.
pub const DATA_CLASSES: [DataClass; 8] = [
    DataClass::Reference,
    DataClass::Jobs,
    DataClass::Candidate,
    DataClass::Sensitive,
    DataClass::Compensation,
    DataClass::Feedback,
    DataClass::UserAdmin,
    DataClass::System,
];

pub fn effect_word(e: Effect) -> &'static str {
    match e {
        Effect::Read => "read",
        Effect::Write => "write",
        Effect::Destroy => "destroy",
    }
}

pub fn class_word(c: DataClass) -> &'static str {
    use DataClass as C;
    match c {
        C::Reference => "reference data",
        C::Jobs => "jobs",
        C::Candidate => "candidate PII",
        C::Sensitive => "EEOC / demographics",
        C::Compensation => "offers / compensation",
        C::Feedback => "interview feedback",
        C::UserAdmin => "user administration",
        C::System => "system",
    }
}
