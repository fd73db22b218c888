//! The command line, parsed by clap: every command and subcommand answers
//! `--help` with its usage.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tencentcloud_codegen::spec::DocLang;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Maintainer commands of tencentcloud-rs: the generator and its tools"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Regenerate generated/ from api-spec/ (or a spec tree into a folder)
    Gen(GenArgs),
    /// Fail, naming the files, if generated/ is stale
    Check,
    /// Load and resolve a spec tree; write nothing
    Validate {
        /// The spec tree [default: api-spec/]
        dir: Option<PathBuf>,
    },
    /// Convert a spec from elsewhere into api-spec files
    #[command(subcommand)]
    Import(ImportCommand),
    /// Generate every tccli service version (or CI's sample) as crates under
    /// target/scale/ and `cargo check` them
    ScaleCheck(ScaleArgs),
    /// Decode every example reply of tccli with the generated types; report
    /// the pass rate and the failures by cause
    DecodeExamples(ScaleArgs),
    /// Markdown report of the API changes between two specs, breaking ones
    /// first
    Diff {
        /// A spec tree, a version folder, or `<git-rev>:<path>`
        /// (e.g. `origin/main:api-spec`)
        old: String,
        /// The same forms as OLD
        new: String,
    },
    /// Generate every tccli service crate (or the named ones) from the pinned
    /// sources, version them by the ledger and package them, with the runtime
    /// crates, into a release folder
    Release(ReleaseArgs),
    /// Put a release into a local registry and build a fresh project that
    /// depends on it and calls the services against the mock
    Journey(JourneyArgs),
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// Only these services [default: every tccli service]
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub services: Vec<String>,
    /// The release folder [default: target/crates]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct JourneyArgs {
    /// The services the project depends on and calls [default: cvm,lighthouse]
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        conflicts_with = "all"
    )]
    pub services: Vec<String>,
    /// Every service of the release
    #[arg(long)]
    pub all: bool,
    /// Where the journey's own release of its services is written
    /// [default: target/journey/crates]; not a folder holding another release
    #[arg(long, value_name = "DIR")]
    pub crates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// The spec tree [default: api-spec/]
    #[arg(long, value_name = "DIR")]
    pub spec: Option<PathBuf>,
    /// Where the crates go [default: generated/]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Only these service folders
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub services: Vec<String>,
    /// The docs' language; each falls back to the other, marked, where it
    /// has no text
    #[arg(long, value_name = "en|zh", default_value = "en", value_parser = doc_lang)]
    pub doc_lang: DocLang,
}

fn doc_lang(text: &str) -> Result<DocLang, String> {
    text.parse()
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Convert one tccli service version (`api.json`) into spec files
    Tccli(TccliArgs),
    /// Convert every service version of a tccli installation
    TccliAll(TccliAllArgs),
    /// Write `<OUT>/errorcodes.json` from the official Python SDK's list
    /// (errorcodes.py, or a JSON list)
    Errorcodes {
        /// errorcodes.py or errorcodes.json
        input: String,
        /// The spec version folder
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct TccliArgs {
    /// tccli's api.json of the service version
    pub api: String,
    /// Its examples.json
    #[arg(long, value_name = "FILE")]
    pub examples: Option<String>,
    /// The same version's api.json from tccli-intl-en: its English docs are
    /// laid over the import
    #[arg(long, value_name = "FILE")]
    pub intl: Option<String>,
    /// tccli-intl-en's examples.json, for the actions only it has
    #[arg(long, value_name = "FILE", requires = "intl")]
    pub intl_examples: Option<String>,
    /// The spec version folder to write
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct TccliAllArgs {
    /// An unpacked tccli wheel; without it, the releases pinned in
    /// api-spec/sources.json, fetched with pip and hash-checked (tccli-intl-en
    /// included)
    pub tccli: Option<PathBuf>,
    /// The spec root to write into
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only these services
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub services: Vec<String>,
    /// Only each service's newest version
    #[arg(long)]
    pub latest: bool,
    /// An unpacked tccli-intl-en wheel, for English docs
    #[arg(long, value_name = "DIR")]
    pub intl: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// CI's fixed sample of services instead of all
    #[arg(long)]
    pub sample: bool,
    /// An unpacked tccli wheel [default: the pinned release]
    #[arg(long, value_name = "DIR")]
    pub tccli: Option<PathBuf>,
    /// Parallel cargo jobs
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: u64,
    /// Only these services
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub services: Vec<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_answers_help() {
        for args in [
            vec!["xtask", "--help"],
            vec!["xtask", "gen", "--help"],
            vec!["xtask", "check", "--help"],
            vec!["xtask", "import", "tccli-all", "--help"],
            vec!["xtask", "scale-check", "--help"],
            vec!["xtask", "diff", "--help"],
            vec!["xtask", "release", "--help"],
            vec!["xtask", "journey", "--help"],
        ] {
            let error = Cli::try_parse_from(&args).expect_err("help stops parsing");
            assert_eq!(
                error.kind(),
                clap::error::ErrorKind::DisplayHelp,
                "{args:?}"
            );
            assert_eq!(error.exit_code(), 0, "{args:?}");
        }
    }

    #[test]
    fn flags_parse_into_their_types() {
        let cli =
            Cli::try_parse_from(["xtask", "gen", "--services", "cvm,sts", "--doc-lang", "zh"])
                .expect("parses");
        let Command::Gen(gen) = cli.command else {
            panic!("gen");
        };
        assert_eq!(gen.services, ["cvm", "sts"]);
        assert_eq!(gen.doc_lang, DocLang::Zh);
        assert!(Cli::try_parse_from(["xtask", "gen", "--doc-lang", "fr"]).is_err());
        assert!(Cli::try_parse_from(["xtask", "scale-check", "--jobs", "0"]).is_err());
    }
}
