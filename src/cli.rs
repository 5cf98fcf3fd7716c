//! The command line (clap derive), arguments grouped by purpose.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::input::evidence::EvidenceKind;
use crate::input::policy::ExcessThreshold;
use crate::report::{ColorChoice, Format};

#[derive(Debug, Parser)]
#[command(
    name = "grantlint",
    version,
    about = "Audit Greenhouse Harvest API credentials against what each integration partner needs",
    long_about = "Audit Greenhouse Harvest API credentials against what each integration partner needs.\n\n\
        Profiles (YAML) say which permissions a partner needs; grantlint compares them with what a \
        credential grants and reports missing and excess grants, ranked by risk.\n\n\
        Exit codes: 0 no failing finding, 1 failing findings, 2 usage or input error, \
        3 live API, authentication or network failure."
)]
pub struct Cli {
    /// When to colour output (NO_COLOR is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Run with a newer Greenhouse OpenAPI spec's scopes and bindings laid over the built-in
    /// catalog (JSON, or YAML by extension); new scopes' risk is inferred and marked so.
    #[arg(long, global = true, value_name = "FILE", env = "GRANTLINT_CATALOG_SPEC")]
    pub catalog_spec: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare one credential's grants with one or more profiles.
    // The usage clap derives is 116 columns; this one fits 60.
    #[command(override_usage = "grantlint check [OPTIONS] -p <PROFILE>... <GRANTS>\n\n\
        <GRANTS> is one of --grants <FILE>, --token <FILE|->,\n\
        --grants-dir <DIR> or --live")]
    Check(CheckArgs),
    /// Check every credential of a config (live or from files), concurrently.
    Audit(AuditArgs),
    /// What a change of profile or grants adds and removes, ranked by risk.
    Diff(DiffArgs),
    /// Rewrite a harvest-v1 profile as harvest-v3 scopes, marking approximations.
    Migrate(MigrateArgs),
    /// Validate profiles and flag least-privilege and migration problems.
    Lint(LintArgs),
    /// Explain a permission (scope, v1 label or "METHOD /path") or a finding kind.
    Explain(ExplainArgs),
    /// What an integration really called, from HAR captures, access logs or the Audit Log.
    Usage(UsageArgs),
    /// Build a least-privilege profile from what an integration really called.
    Infer(InferArgs),
    /// Print the permission catalog, or compare it with a Greenhouse OpenAPI spec.
    Catalog(CatalogArgs),
    /// List or show built-in and user profiles.
    Profiles(ProfilesArgs),
    /// Show the effective settings and where each came from (flag, environment, config, default).
    ///
    /// The settings `audit` would use, each with its source: a flag, an environment variable,
    /// a line of the config, or grantlint's default; which config file was used and how it was
    /// found. Secrets are named by their variable or file, never shown.
    Config(ConfigArgs),
    /// Print the JSON Schema of profiles (default), the config or a JSON report.
    Schema(SchemaArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): the main page, or one subcommand's; --dir writes them all.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (`check`, `audit`, ...; `profiles-list` for a nested one).
    #[arg(value_name = "SUBCOMMAND", conflicts_with = "dir")]
    pub page: Option<String>,
    /// Write every page (grantlint.1, grantlint-check.1, ...) into DIR instead of printing one.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ProfileDirs {
    /// A directory of user profiles (repeatable); a profile there replaces a built-in with the same id.
    #[arg(long = "profile-dir", value_name = "DIR", global = true)]
    pub dirs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[group(id = "grants_input", required = true, multiple = false)]
pub struct GrantsInput {
    /// A grants file (YAML, JSON or TOML) or a saved introspection / token response.
    #[arg(long, value_name = "FILE", group = "grants_input")]
    pub grants: Option<PathBuf>,
    /// A raw JWT access token in a file, or `-` for stdin (decoded without verification).
    #[arg(long, value_name = "FILE|-", group = "grants_input")]
    pub token: Option<PathBuf>,
    /// A fleet: every grants file (.yaml, .yml, .json, .toml) in DIR, each one credential,
    /// checked in parallel.
    #[arg(long, value_name = "DIR", group = "grants_input")]
    pub grants_dir: Option<PathBuf>,
    /// Read the grants live from Greenhouse: GREENHOUSE_CLIENT_ID, GREENHOUSE_CLIENT_SECRET
    /// (or --client-secret-file) and optional GREENHOUSE_SUB.
    #[arg(long, group = "grants_input")]
    pub live: bool,
}

/// How to reach Greenhouse.
#[derive(Debug, Args, Clone, Default)]
pub struct LiveArgs {
    /// Greenhouse's OAuth server [default: https://auth.greenhouse.io]. Plain http only to loopback.
    #[arg(long, value_name = "URL", env = "GRANTLINT_AUTH_URL")]
    pub auth_url: Option<String>,
    /// The Harvest API [default: https://harvest.greenhouse.io]. Plain http only to loopback.
    #[arg(long, value_name = "URL", env = "GRANTLINT_BASE_URL")]
    pub base_url: Option<String>,
    /// Per-request timeout in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 15.0)]
    pub timeout: f64,
    /// Retries after a 429, a 5xx, a timeout or a connection error.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
}

/// The read-only probe of live grants.
#[derive(Debug, Args, Clone, Default)]
pub struct ProbeArgs {
    /// Confirm read scopes with one GET per list endpoint (per_page=1&fields=id; never a write).
    #[arg(long)]
    pub probe: bool,
    /// At most this many probe requests per credential.
    #[arg(long, value_name = "N", default_value_t = crate::runner::DEFAULT_PROBE_LIMIT)]
    pub probe_limit: usize,
}

/// Usage evidence (DESIGN.md section 7): files of captured traffic, or the Audit Log read live.
#[derive(Debug, Args, Clone, Default)]
pub struct EvidenceArgs {
    /// Usage evidence: a HAR capture, an access log or Audit Log events (JSON, JSON Lines), or
    /// `-` for stdin (repeatable; the kind is sniffed from the content).
    #[arg(long = "requests", visible_alias = "usage", value_name = "FILE|-", num_args = 1..)]
    pub requests: Vec<PathBuf>,
    /// The kind of every --requests file, instead of sniffing it.
    #[arg(long, value_enum, value_name = "KIND")]
    pub requests_format: Option<EvidenceKind>,
    /// Keep only the Audit Log rows of this caller (`performer.id`: an API key, an OAuth
    /// client or the credential's user).
    #[arg(long, value_name = "ID")]
    pub performer: Option<String>,
    /// Also read the Greenhouse Audit Log live, with the client credentials of --live
    /// (GREENHOUSE_CLIENT_ID, GREENHOUSE_CLIENT_SECRET, GREENHOUSE_SUB).
    #[arg(long)]
    pub audit_log: bool,
    /// The Audit Log API [default: https://auditlog.us.greenhouse.io]. Plain http only to loopback.
    #[arg(long, value_name = "URL", env = "GRANTLINT_AUDIT_URL")]
    pub audit_url: Option<String>,
    /// Only evidence from the last DURATION (`30d`, `12h`, `90m`); for --audit-log, its
    /// `after_time`. The Audit Log keeps 30 days.
    #[arg(long, value_name = "DURATION")]
    pub window: Option<crate::input::evidence::Window>,
    /// The Audit Log's paginated-request limit to stay within, as N/SECONDS.
    #[arg(
        long,
        value_name = "N/SECS",
        default_value = "3/30",
        env = "GRANTLINT_AUDIT_LOG_PACE"
    )]
    pub audit_log_pace: crate::input::evidence::Pace,
}

impl EvidenceArgs {
    pub fn given(&self) -> bool {
        !self.requests.is_empty() || self.audit_log
    }
}

/// `FORMAT=PATH`: write a report in FORMAT to PATH (atomically), besides stdout's.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    pub format: Format,
    pub path: PathBuf,
}

impl OutputSpec {
    /// The output settings of a run, for the report layer.
    pub fn outputs(args: &OutputArgs) -> crate::report::emit::Outputs {
        crate::report::emit::Outputs {
            format: args.format,
            files: args.outputs.iter().map(|o| (o.format, o.path.clone())).collect(),
            exit_zero: args.exit_zero,
        }
    }
}

impl std::str::FromStr for OutputSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (format, path) = s
            .split_once('=')
            .ok_or("expected FORMAT=PATH, e.g. sarif=grantlint.sarif")?;
        let format = Format::from_str(format, true).map_err(|_| {
            format!(
                "unknown format {format:?} (table, json, jsonl, checklist, sarif, junit, github, markdown, summary, html, csv)"
            )
        })?;
        if path.is_empty() {
            return Err("the path after = is empty".into());
        }
        Ok(OutputSpec {
            format,
            path: PathBuf::from(path),
        })
    }
}

/// Where results go and what the exit code says.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write a report to a file, as FORMAT=PATH (repeatable: one run, several reports).
    #[arg(long = "output", value_name = "FORMAT=PATH")]
    pub outputs: Vec<OutputSpec>,
    /// Exit 0 even when findings fail (errors still exit 2 or 3). No format changes the exit code.
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Profile id or path to a profile file (repeatable: one credential shared by several integrations).
    #[arg(short = 'p', long = "profile", value_name = "PROFILE", required = true, num_args = 1..)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub input: GrantsInput,

    /// Name of the credential in reports (default: from the grants, else the file name).
    #[arg(long, value_name = "NAME")]
    pub credential: Option<String>,

    #[command(flatten)]
    pub dirs: ProfileDirs,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Fail on excess grants at or above this risk: low, medium, high, critical or never.
    #[arg(long, value_name = "LEVEL", default_value = "low", env = "GRANTLINT_FAIL_ON_EXCESS")]
    pub fail_on_excess: ExcessThreshold,

    /// Report missing grants without failing on them.
    #[arg(long)]
    pub no_fail_on_missing: bool,

    /// Report unused grants (with usage evidence) as failing, not only as warnings.
    #[arg(long)]
    pub fail_on_unused: bool,

    /// With --live or --audit-log: read the client secret from this file, or `-` for stdin,
    /// instead of GREENHOUSE_CLIENT_SECRET.
    #[arg(long, value_name = "FILE|-")]
    pub client_secret_file: Option<PathBuf>,

    #[command(flatten)]
    pub evidence: EvidenceArgs,

    #[command(flatten)]
    pub connection: LiveArgs,

    #[command(flatten)]
    pub probe: ProbeArgs,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    #[command(flatten)]
    pub evidence: EvidenceArgs,
    /// List every permission of the catalog with its state, not only those the evidence holds.
    #[arg(long)]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// With --audit-log: read the client secret from this file, or `-` for stdin.
    #[arg(long, value_name = "FILE|-")]
    pub client_secret_file: Option<PathBuf>,
    #[command(flatten)]
    pub connection: LiveArgs,
}

#[derive(Debug, Args)]
pub struct InferArgs {
    #[command(flatten)]
    pub evidence: EvidenceArgs,
    /// The vocabulary of the profile.
    #[arg(long, value_enum, default_value_t = ApiFilter::HarvestV3)]
    pub api: ApiFilter,
    /// The profile's `name` [default: "Observed use of <files>"].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Write the profile to PATH (atomically; an existing file keeps its mode) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub write: Option<PathBuf>,
    /// With --audit-log: read the client secret from this file, or `-` for stdin.
    #[arg(long, value_name = "FILE|-")]
    pub client_secret_file: Option<PathBuf>,
    #[command(flatten)]
    pub connection: LiveArgs,
}

/// What a config may name beyond Greenhouse and this machine: the person running grantlint
/// decides, never the config.
#[derive(Debug, Args, Clone, Default)]
pub struct TrustArgs {
    /// Let the config send credentials to HOST (besides *.greenhouse.io and loopback)
    /// (repeatable; comma-separated in GRANTLINT_ALLOW_HOSTS).
    #[arg(
        long = "allow-host",
        value_name = "HOST",
        env = "GRANTLINT_ALLOW_HOSTS",
        value_delimiter = ','
    )]
    pub hosts: Vec<String>,
    /// Let the config read a client secret from FILE outside the config's folder (repeatable;
    /// comma-separated in GRANTLINT_ALLOW_SECRET_FILES).
    #[arg(
        long = "allow-secret-file",
        value_name = "FILE",
        env = "GRANTLINT_ALLOW_SECRET_FILES",
        value_delimiter = ','
    )]
    pub secret_files: Vec<PathBuf>,
    /// Let the config's `catalog_spec` name FILE outside the config's folder (repeatable;
    /// comma-separated in GRANTLINT_ALLOW_CATALOG_SPECS).
    #[arg(
        long = "allow-catalog-spec",
        value_name = "FILE",
        env = "GRANTLINT_ALLOW_CATALOG_SPECS",
        value_delimiter = ','
    )]
    pub catalog_specs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The config [default: $GRANTLINT_CONFIG, else the first grantlint.toml,
    /// .grantlint.toml or .config/grantlint.toml here or in a parent, up to the repository root].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Audit only this credential of the config (repeatable).
    #[arg(long = "credential", value_name = "NAME")]
    pub credentials: Vec<String>,

    #[command(flatten)]
    pub dirs: ProfileDirs,

    #[command(flatten)]
    pub output: OutputArgs,

    /// How many credentials to check at once [default: the config's `concurrency`, else 8].
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,

    /// Fail on excess grants at or above this risk (overrides the config's policy).
    #[arg(long, value_name = "LEVEL", env = "GRANTLINT_FAIL_ON_EXCESS")]
    pub fail_on_excess: Option<ExcessThreshold>,

    /// Report missing grants without failing on them (overrides the config's policy).
    #[arg(long)]
    pub no_fail_on_missing: bool,

    /// Apply no waiver: show every finding, as an auditor wants.
    #[arg(long)]
    pub no_waivers: bool,

    /// Report unused grants (with usage evidence) as failing (overrides the config's policy).
    #[arg(long)]
    pub fail_on_unused: bool,

    /// The Audit Log API for `[audit_log]` [default: the config's `audit_url`, else
    /// https://auditlog.us.greenhouse.io].
    #[arg(long, value_name = "URL", env = "GRANTLINT_AUDIT_URL")]
    pub audit_url: Option<String>,

    /// The Audit Log's paginated-request limit to stay within, as N/SECONDS.
    #[arg(
        long,
        value_name = "N/SECS",
        default_value = "3/30",
        env = "GRANTLINT_AUDIT_LOG_PACE"
    )]
    pub audit_log_pace: crate::input::evidence::Pace,

    #[command(flatten)]
    pub trust: TrustArgs,

    #[command(flatten)]
    pub connection: LiveArgs,

    #[command(flatten)]
    pub probe: ProbeArgs,
}

/// `grantlint config`: the flags of `audit` that change a setting. Their environment
/// variables are read by the command itself, so it can say which of the two a value came from.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The config [default: $GRANTLINT_CONFIG, else the first grantlint.toml,
    /// .grantlint.toml or .config/grantlint.toml here or in a parent, up to the repository root].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub dirs: ProfileDirs,
    /// Greenhouse's OAuth server [env: GRANTLINT_AUTH_URL].
    #[arg(long, value_name = "URL")]
    pub auth_url: Option<String>,
    /// The Harvest API [env: GRANTLINT_BASE_URL].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The Audit Log API [env: GRANTLINT_AUDIT_URL].
    #[arg(long, value_name = "URL")]
    pub audit_url: Option<String>,
    /// How many credentials to check at once.
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Fail on excess grants at or above this risk [env: GRANTLINT_FAIL_ON_EXCESS].
    #[arg(long, value_name = "LEVEL")]
    pub fail_on_excess: Option<ExcessThreshold>,
    /// Report missing grants without failing on them.
    #[arg(long)]
    pub no_fail_on_missing: bool,
    /// Report unused grants as failing.
    #[arg(long)]
    pub fail_on_unused: bool,
    /// Let the config send credentials to HOST (repeatable) [env: GRANTLINT_ALLOW_HOSTS].
    #[arg(long = "allow-host", value_name = "HOST", value_delimiter = ',')]
    pub hosts: Vec<String>,
    /// Let the config read a client secret from FILE (repeatable) [env: GRANTLINT_ALLOW_SECRET_FILES].
    #[arg(long = "allow-secret-file", value_name = "FILE", value_delimiter = ',')]
    pub secret_files: Vec<PathBuf>,
    /// Let the config's `catalog_spec` name FILE (repeatable) [env: GRANTLINT_ALLOW_CATALOG_SPECS].
    #[arg(long = "allow-catalog-spec", value_name = "FILE", value_delimiter = ',')]
    pub catalog_specs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema (the same files are committed under schema/).
    #[arg(long, value_enum, default_value_t = SchemaKind::Profile)]
    pub kind: SchemaKind,
}

/// The JSON Schemas grantlint publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A profile (profiles/*.yaml): schema/profile.schema.json.
    Profile,
    /// grantlint.toml: schema/config.schema.json.
    Config,
    /// `check` and `audit` --format json (grantlint.check.v1): schema/check.v1.schema.json.
    Check,
    /// `usage` --format json (grantlint.usage.v1): schema/usage.v1.schema.json.
    Usage,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Profile directories or files (default: ./profiles if it exists, else the built-in profiles).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CiFormat::Table)]
    pub format: CiFormat,
}

/// The formats of `lint` and `diff`: the terminal's, JSON, and the CI formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiFormat {
    Table,
    Json,
    Markdown,
    Github,
    Sarif,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A scope (`harvest:candidates:list`), a v1 label in any accepted spelling
    /// (`Get: List Candidates`), `METHOD /path` (v1 or v3), a Manage-scopes label, or a finding kind.
    /// Without one, lists the finding kinds.
    #[arg(value_name = "PERMISSION", num_args = 1..)]
    pub permission: Vec<String>,
    /// List every finding kind, one line each (what `explain` with no argument prints).
    #[arg(long, conflicts_with = "permission")]
    pub kinds: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiFilter {
    #[value(name = "harvest-v1")]
    HarvestV1,
    #[value(name = "harvest-v3")]
    HarvestV3,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CatalogArgs {
    #[command(subcommand)]
    pub command: Option<CatalogCommand>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Only one vocabulary.
    #[arg(long, value_enum)]
    pub api: Option<ApiFilter>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Compare the built-in catalog with a Greenhouse OpenAPI spec: scopes added or removed,
    /// labels changed, operations rebound. Exit 0 when identical, 1 when they differ.
    Diff {
        /// The spec: Greenhouse's Harvest v3 OpenAPI document (JSON, or YAML by extension).
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: Option<ProfilesCommand>,
    #[command(flatten)]
    pub dirs: ProfileDirs,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List every profile (the default).
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show one profile: its source, review date and resolved permissions.
    Show {
        /// Profile id or path.
        id: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: a profile (id or file) or a grants file.
    pub old: String,
    /// The new side: a profile or a grants file (omit with --live).
    #[arg(required_unless_present = "live")]
    pub new: Option<String>,
    /// Compare OLD (a grants file) with the credential's live grants (GREENHOUSE_CLIENT_ID, ...).
    #[arg(long, conflicts_with = "new")]
    pub live: bool,
    #[command(flatten)]
    pub dirs: ProfileDirs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CiFormat::Table)]
    pub format: CiFormat,
    /// Fail when the change adds anything at or above this risk: low, medium, high, critical or never.
    #[arg(long, value_name = "LEVEL", default_value = "low", env = "GRANTLINT_FAIL_ON_EXCESS")]
    pub fail_on_excess: ExcessThreshold,
    /// Exit 0 even when the change fails the gate (errors still exit 2 or 3).
    #[arg(long)]
    pub exit_zero: bool,
    /// With --live: read the client secret from this file, or `-` for stdin.
    #[arg(long, value_name = "FILE|-", requires = "live")]
    pub client_secret_file: Option<PathBuf>,
    #[command(flatten)]
    pub connection: LiveArgs,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// A harvest-v1 profile (id or file).
    pub profile: String,
    /// Replace the file (atomically) instead of printing the result.
    #[arg(long)]
    pub write: bool,
    #[command(flatten)]
    pub dirs: ProfileDirs,
}
