//! Seeding the world from JSON: the same records as the builder methods,
//! under PascalCase keys (see README "Testing against a local endpoint").
//!
//! ```json
//! {
//!   "Images": [{"ImageId": "img-abcdefgh", "ImageName": "Debian 12", "Platform": "Debian",
//!               "ImageType": "PUBLIC_IMAGE"}],
//!   "KeyPairs": [{"KeyId": "skey-abcdefgh", "KeyName": "ops", "PublicKey": "ssh-ed25519 AAAA ops"}],
//!   "Instances": [{"InstanceId": "ins-abcdefgh", "Zone": "ap-guangzhou-2",
//!                  "InstanceType": "S2.MEDIUM4", "ImageId": "img-abcdefgh"}]
//! }
//! ```

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use super::{CvmWorld, Image, Instance, InstanceType, KeyPair, Region, SecurityGroup, Zone};

/// Everything a seed file may hold; every list is optional. Records are
/// added to the world in this order, replacing those with the same id.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Seed {
    pub regions: Vec<Region>,
    pub zones: Vec<Zone>,
    pub instance_types: Vec<InstanceType>,
    pub images: Vec<Image>,
    pub key_pairs: Vec<KeyPair>,
    pub security_groups: Vec<SecurityGroup>,
    pub instances: Vec<Instance>,
}

/// A seed that could not be used: where (`file:line:column`) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedError {
    pub origin: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SeedError {}

/// The line and column (from 1) of `needle`'s first occurrence, or 1:1.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    let Some(at) = text.find(needle) else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl CvmWorld {
    /// Adds a parsed seed's records; instances are checked against the
    /// world (with the seed's other records already in it).
    pub fn seed(mut self, seed: Seed) -> Result<Self, String> {
        for r in seed.regions {
            self = self.region(r);
        }
        for z in seed.zones {
            self = self.zone(z);
        }
        for t in seed.instance_types {
            self = self.instance_type(t);
        }
        for i in seed.images {
            self = self.image(i);
        }
        for k in seed.key_pairs {
            self = self.key_pair(k);
        }
        for g in seed.security_groups {
            self = self.security_group(g);
        }
        for (n, i) in seed.instances.into_iter().enumerate() {
            let id = i.instance_id.clone();
            self = self
                .instance(i)
                .map_err(|e| format!("Instances[{n}] (`{id}`): {e}"))?;
        }
        Ok(self)
    }

    /// Adds the records of a JSON seed; `origin` names it in errors.
    pub fn seed_json(self, text: &str, origin: &str) -> Result<Self, SeedError> {
        let seed: Seed = serde_json::from_str(text).map_err(|e| SeedError {
            origin: origin.to_owned(),
            line: e.line(),
            column: e.column(),
            // serde_json appends " at line L column C"; the prefix says it.
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned(),
        })?;
        self.seed(seed).map_err(|message| {
            // Point at the offending instance's id.
            let id = message.split('`').nth(1).unwrap_or_default();
            let (line, column) = locate(text, &format!("\"{id}\""));
            SeedError {
                origin: origin.to_owned(),
                line,
                column,
                message,
            }
        })
    }

    /// Adds the records of the JSON seed file at `path`.
    pub fn seed_file(self, path: impl AsRef<Path>) -> Result<Self, SeedError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SeedError {
            origin: origin.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the seed file: {e}"),
        })?;
        self.seed_json(&text, &origin)
    }
}
