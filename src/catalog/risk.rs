//! What a permission exposes, and the one risk rule over effect x data class (DESIGN.md
//! section 4 "Risk"; documented in catalog/README.md).

use serde::Serialize;

/// What a permission lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Read,
    Write,
    /// Deletes, anonymises or merges away data: cannot be undone.
    Destroy,
}

/// What kind of data a permission exposes (DESIGN.md section 4 "Risk").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// Departments, offices, sources, custom-field definitions, reasons, tag dictionary.
    Reference,
    /// Jobs, job posts, openings, interview plans, hiring teams, approvals.
    Jobs,
    /// Candidate and application PII: names, contacts, attachments, notes, interviews.
    Candidate,
    /// EEOC and demographic answers.
    Sensitive,
    /// Offers and compensation.
    Compensation,
    /// Interview feedback: scorecards, ratings, private notes, recordings.
    Feedback,
    /// Greenhouse users and their permissions.
    UserAdmin,
    /// Webhooks, audit log, bulk requests, intake blocklist.
    System,
}

/// Risk of holding a permission that is not needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    /// The one risk rule, over effect x data class:
    ///
    /// | data class                                 | read   | write    | destroy  |
    /// |--------------------------------------------|--------|----------|----------|
    /// | reference, jobs                            | low    | medium   | critical |
    /// | candidate                                  | medium | high     | critical |
    /// | sensitive, compensation, feedback          | high   | high     | critical |
    /// | user administration                        | medium | critical | critical |
    /// | system (webhooks, audit log, bulk)         | medium | high     | critical |
    ///
    /// Any destroy (delete, anonymise, merge) is critical, and so is any write to users
    /// or their permissions: either can take an organisation's data or access away.
    pub const fn of(effect: Effect, class: DataClass) -> Risk {
        use DataClass as C;
        match (effect, class) {
            (Effect::Destroy, _) => Risk::Critical,
            (Effect::Write, C::UserAdmin) => Risk::Critical,
            (Effect::Read, C::Reference | C::Jobs) => Risk::Low,
            (Effect::Read, C::Candidate | C::UserAdmin | C::System) => Risk::Medium,
            (Effect::Read, C::Sensitive | C::Compensation | C::Feedback) => Risk::High,
            (Effect::Write, C::Reference | C::Jobs) => Risk::Medium,
            (Effect::Write, _) => Risk::High,
        }
    }

    pub const ALL: [Risk; 4] = [Risk::Low, Risk::Medium, Risk::High, Risk::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Risk {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Risk::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown risk level {s:?} (expected low, medium, high or critical)"))
    }
}
