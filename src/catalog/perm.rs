//! A permission's identity in either vocabulary, and the vocabularies themselves.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Risk, ScopeId, V1Id, scope, v1};

/// The vocabulary a profile's permissions are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Api {
    /// Harvest v1/v2 API-key permissions: UI labels such as `GET: List Applications`, grouped by resource.
    #[serde(rename = "harvest-v1")]
    HarvestV1,
    /// Harvest v3 OAuth scopes such as `harvest:applications:list`, or their "Manage scopes" labels.
    #[serde(rename = "harvest-v3")]
    HarvestV3,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::HarvestV1 => "harvest-v1",
            Api::HarvestV3 => "harvest-v3",
        }
    }
}

/// A permission in one of the two vocabularies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Perm {
    V1(V1Id),
    V3(ScopeId),
}

impl Perm {
    /// The permission's identity as grantlint prints it: the scope string, or "METHOD /path".
    pub fn id(self) -> &'static str {
        match self {
            Perm::V1(v) => v1(v).key,
            Perm::V3(s) => scope(s).id,
        }
    }

    /// The label Greenhouse shows for it.
    pub fn label(self) -> &'static str {
        match self {
            Perm::V1(v) => v1(v).label,
            Perm::V3(s) => scope(s).label,
        }
    }

    /// The label, as a one-element list that lives as long as the catalog.
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            Perm::V1(v) => std::slice::from_ref(&v1(v).label),
            Perm::V3(s) => std::slice::from_ref(&scope(s).label),
        }
    }

    /// The group heading Greenhouse shows it under.
    pub fn group(self) -> &'static str {
        match self {
            Perm::V1(v) => v1(v).group,
            Perm::V3(s) => scope(s).group,
        }
    }

    pub fn risk(self) -> Risk {
        match self {
            Perm::V1(v) => v1(v).risk(),
            Perm::V3(s) => scope(s).risk(),
        }
    }

    /// The risk was derived from the name of a scope new in a `--catalog-spec` spec.
    pub fn risk_inferred(self) -> bool {
        matches!(self, Perm::V3(s) if scope(s).risk_inferred())
    }

    pub fn effect(self) -> super::Effect {
        match self {
            Perm::V1(v) => v1(v).effect,
            Perm::V3(s) => scope(s).effect,
        }
    }

    pub fn data_class(self) -> super::DataClass {
        match self {
            Perm::V1(v) => v1(v).data_class,
            Perm::V3(s) => scope(s).data_class,
        }
    }

    /// What Greenhouse's Audit Log records of its use.
    pub fn audit_log(self) -> super::AuditLog {
        match self {
            Perm::V1(v) => v1(v).audit_log,
            Perm::V3(s) => scope(s).audit_log,
        }
    }

    /// The vocabulary the permission belongs to.
    pub fn api(self) -> Api {
        match self {
            Perm::V1(_) => Api::HarvestV1,
            Perm::V3(_) => Api::HarvestV3,
        }
    }
}
