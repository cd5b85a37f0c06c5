//! Configuration: defaults, then a TOML file (`--config` or `COMMUNS_CONFIG`), then `COMMUNS_*`
//! environment variables (nested keys with `__`, e.g. `COMMUNS_BLOBS__BACKEND=s3`), then the
//! command-line options.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use store::blobs::BlobConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub addr: String,
    /// Folder of the embedded database and of the blobs on the filesystem.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; the SQLite file of `data_dir` when absent.
    pub database_url: Option<String>,
    pub log_format: LogFormat,
    /// Set when the platform is served over HTTPS: cookies then carry `Secure`.
    pub secure_cookies: bool,
    /// Set behind a reverse proxy whose `X-Forwarded-For` is to be believed.
    pub trust_proxy: bool,
    /// Where documents are stored; a `blobs` folder of `data_dir` when absent.
    #[serde(skip_serializing)]
    pub blobs: Option<BlobConfig>,
    /// The address people reach the platform at (`https://services.example.fr`), for the links of
    /// e-mails; the listening address when absent.
    pub public_url: Option<String>,
    /// How e-mails leave (`[mail]`: `transport = "smtp"`, `host`, …); an `outbox` folder of `data_dir`
    /// when absent, whose `.eml` files any mail client opens.
    #[serde(skip_serializing)]
    pub mail: Option<mail::MailConfig>,
    /// How acts reach the legality control (`[legality]`); the prefecture simulator of `data_dir`, in
    /// process, when absent.
    #[serde(default)]
    pub legality: LegalityConfig,
    /// File of the key that seals the signing keys at rest; `keys/signing.kek` of `data_dir` when absent.
    pub signing_key_file: Option<PathBuf>,
}

/// `[legality]`: the operator codes of the platform as a *tiers de télétransmission*, and the address of
/// the @ctes platform (`url`), or none for the simulator in process.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalityConfig {
    /// Base URL of a prefecture simulator or gateway (`communs prefecture-sim`), e.g. `http://127.0.0.1:9400`.
    pub url: Option<String>,
    /// The operator's trigram in file names, assigned by the ministry.
    pub trigram: String,
    /// The application code of the envelopes (`EACT--…`).
    pub application: String,
}

impl Default for LegalityConfig {
    fn default() -> Self {
        Self { url: None, trigram: "CMN".into(), application: "EACT".into() }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./communs-data"),
            database_url: None,
            log_format: LogFormat::Text,
            secure_cookies: false,
            trust_proxy: false,
            blobs: None,
            public_url: None,
            mail: None,
            legality: LegalityConfig::default(),
            signing_key_file: None,
        }
    }
}

/// Options given on the command line, which override every other source.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// TOML configuration file.
    #[arg(long, env = "COMMUNS_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Data folder (SQLite database, blobs).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:password@host/database); SQLite in the data folder otherwise.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Log format.
    #[arg(long, value_enum, global = true)]
    pub log_format: Option<LogFormat>,
}

impl Config {
    pub fn load(args: &ConfigArgs) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &args.config {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(Env::prefixed("COMMUNS_").split("__").ignore(&["config"]));
        if let Some(dir) = &args.data_dir {
            figment = figment.merge(Serialized::default("data_dir", dir));
        }
        if let Some(url) = &args.database_url {
            figment = figment.merge(Serialized::default("database_url", url));
        }
        if let Some(format) = args.log_format {
            figment = figment.merge(Serialized::default("log_format", format));
        }
        figment.extract().map_err(Box::new)
    }

    /// The database to connect to.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("communs.db").display()),
        }
    }

    pub fn blob_config(&self) -> BlobConfig {
        self.blobs.clone().unwrap_or_else(|| BlobConfig::Filesystem { root: self.data_dir.join("blobs") })
    }

    pub fn mail_config(&self) -> mail::MailConfig {
        self.mail.clone().unwrap_or_else(|| mail::MailConfig::file(self.data_dir.join("outbox")))
    }

    pub fn signing_key_file(&self) -> PathBuf {
        self.signing_key_file.clone().unwrap_or_else(|| self.data_dir.join("keys").join("signing.kek"))
    }

    /// Where the in-process prefecture simulator keeps its transactions.
    pub fn prefecture_simulator_dir(&self) -> PathBuf {
        self.data_dir.join("prefecture-sim")
    }

    /// Where the in-process accountant simulator keeps the files it received and their acknowledgements.
    pub fn accountant_simulator_dir(&self) -> PathBuf {
        self.data_dir.join("accountant-sim")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail closure returns its own error type
    fn defaults_and_overrides() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "communs.toml",
                "addr = \"0.0.0.0:9000\"\ndata_dir = \"/srv/communs\"\n[blobs]\nbackend = \"filesystem\"\nroot = \"/srv/blobs\"\n",
            )?;
            jail.set_env("COMMUNS_TRUST_PROXY", "true");
            let args = ConfigArgs {
                config: Some("communs.toml".into()),
                database_url: Some("postgres://db/communs".into()),
                ..ConfigArgs::default()
            };
            let config = Config::load(&args).map_err(|e| *e)?;
            assert_eq!(config.addr, "0.0.0.0:9000");
            assert!(config.trust_proxy);
            assert_eq!(config.database_url(), "postgres://db/communs");
            assert!(matches!(config.blob_config(), BlobConfig::Filesystem { root } if root == Path::new("/srv/blobs")));
            assert_eq!(config.mail_config().dir.as_deref(), Some(Path::new("/srv/communs/outbox")), "the demo outbox");
            Ok(())
        });
        let config = Config::load(&ConfigArgs { data_dir: Some("/tmp/x".into()), ..ConfigArgs::default() }).unwrap();
        assert_eq!(config.database_url(), "sqlite:///tmp/x/communs.db");
    }
}
