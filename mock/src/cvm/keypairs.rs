//! SSH key pairs: create, import, describe (KeyIds or Filters), delete,
//! and binding them to instances, in both API families.

use serde::Deserialize;
use serde_json::{json, Value};

use super::changes::stopped_or;
use super::filters::{self, flag, param, strings, tag_matches, tags_json, FilterRules, Tag};
use super::{legacy_ok, CvmWorld};
use crate::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct KeyPair {
    pub key_id: String,
    pub key_name: String,
    pub project_id: i64,
    pub description: String,
    pub public_key: String,
    pub created_time: String,
    pub tags: Vec<Tag>,
}

const V3_ACTIONS: &[&str] = &[
    "CreateKeyPair",
    "ImportKeyPair",
    "DeleteKeyPairs",
    "DescribeKeyPairs",
    "AssociateInstancesKeyPairs",
    "DisassociateInstancesKeyPairs",
];
const V2_ACTIONS: &[&str] = &[
    "CreateKeyPair",
    "ImportKeyPair",
    "DeleteKeyPair",
    "DescribeKeyPairs",
    "BindInstanceKey",
    "UnBindInstanceKey",
];

/// KeyIds and InstanceIds take at most 100 ids.
const MAX_IDS: usize = 100;

const RULES: FilterRules = FilterRules {
    names: &["project-id", "key-name", "tag-key", "tag-value", "tag:"],
    max_values: 5,
};

impl KeyPair {
    pub fn new(key_id: &str, key_name: &str, public_key: &str) -> KeyPair {
        KeyPair {
            key_id: key_id.into(),
            key_name: key_name.into(),
            public_key: public_key.into(),
            created_time: "2024-01-01T00:00:00Z".into(),
            ..KeyPair::default()
        }
    }
}

/// The checks CVM makes on a new key's name.
fn check_name(world: &CvmWorld, name: &str) -> Result<(), Outcome> {
    if name.is_empty() {
        return Err(Outcome::error(
            "InvalidKeyPairNameEmpty",
            "The key name is empty.",
        ));
    }
    if name.chars().count() > 25 {
        return Err(Outcome::error(
            "InvalidKeyPairNameTooLong",
            format!("The key name `{name}` is longer than 25 characters."),
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Outcome::error(
            "InvalidKeyPairNameIncludeIllegalChar",
            format!("The key name `{name}` may only have letters, digits and underscores."),
        ));
    }
    if world.key_pairs.values().any(|k| k.key_name == name) {
        return Err(Outcome::error(
            "InvalidKeyPairName.Duplicate",
            format!("A key pair named `{name}` exists."),
        ));
    }
    Ok(())
}

fn check_public_key(world: &CvmWorld, key: &str) -> Result<(), Outcome> {
    let mut parts = key.split_whitespace();
    let known = matches!(
        parts.next(),
        Some("ssh-rsa" | "ssh-ed25519" | "ecdsa-sha2-nistp256")
    );
    if !known || parts.next().is_none() {
        return Err(Outcome::error(
            "InvalidPublicKey.Malformed",
            "The public key is not in OpenSSH format (`ssh-rsa AAAA...`).",
        ));
    }
    if world.key_pairs.values().any(|k| k.public_key == key) {
        return Err(Outcome::error(
            "InvalidPublicKey.Duplicate",
            "The public key exists.",
        ));
    }
    Ok(())
}

impl CvmWorld {
    fn new_key(&mut self, name: &str, project_id: i64, public_key: Option<String>) -> KeyPair {
        self.serial = self.serial.wrapping_add(1);
        let id = format!("skey-{:08x}", 0x6b65_0000u32.wrapping_add(self.serial));
        let public_key = public_key.unwrap_or_else(|| {
            format!(
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{:032x} {id}",
                self.serial
            )
        });
        let key = KeyPair {
            key_id: id.clone(),
            key_name: name.to_owned(),
            project_id,
            public_key,
            created_time: super::now(),
            ..KeyPair::default()
        };
        self.key_pairs.insert(id, key.clone());
        key
    }

    fn bound_to(&self, key_id: &str) -> Vec<String> {
        self.instances
            .map
            .values()
            .filter(|i| i.key_ids.iter().any(|k| k == key_id))
            .map(|i| i.instance_id.clone())
            .collect()
    }

    /// Checks that every key pair of `ids` exists, with the code the key
    /// pair actions document (`InvalidKeyPairId.NotFound`).
    pub fn check_keys(&self, ids: &[String]) -> Result<(), Outcome> {
        self.check_keys_as(ids, "InvalidKeyPairId.NotFound")
    }

    /// As [`Self::check_keys`], a missing key pair getting `code` (each
    /// action documents its own: RunInstances and ResetInstance list
    /// `InvalidParameterValue.KeyPairNotFound`).
    pub(super) fn check_keys_as(&self, ids: &[String], code: &str) -> Result<(), Outcome> {
        match ids.iter().find(|id| !self.key_pairs.contains_key(*id)) {
            Some(id) => Err(Outcome::error(
                code,
                format!("The key pair `{id}` does not exist."),
            )),
            None => Ok(()),
        }
    }

    fn key_v3(&self, key: &KeyPair) -> Value {
        json!({
            "KeyId": key.key_id, "KeyName": key.key_name, "ProjectId": key.project_id,
            "Description": key.description, "PublicKey": key.public_key,
            "AssociatedInstanceIds": self.bound_to(&key.key_id),
            "CreatedTime": key.created_time, "Tags": tags_json(&key.tags),
        })
    }

    /// Binds (or unbinds) `keys` to `instances`, which must be STOPPED,
    /// or RUNNING too with `force_stop` ([`stopped_or`]): those are
    /// stopped, bound and started again (shown STARTING once, then RUNNING).
    fn bind_keys(
        &mut self,
        instances: &[String],
        keys: &[String],
        bind: bool,
        force_stop: bool,
    ) -> Result<(), Outcome> {
        self.check_keys(keys)?;
        self.instances.check(instances, stopped_or(force_stop))?;
        for id in instances {
            // "仅支持对 `Linux` 操作系统实例进行绑定操作", with the code the
            // action documents (ResetInstance and RunInstances use another).
            if bind && self.runs_windows(id) {
                return Err(Outcome::error(
                    "UnsupportedOperation.InstanceOsWindows",
                    format!("The instance `{id}` runs Windows, which has no key login."),
                ));
            }
        }
        for id in instances {
            if let Some(instance) = self.instances.map.get_mut(id) {
                instance.key_ids.retain(|k| !keys.contains(k));
                if bind {
                    instance.key_ids.extend(keys.iter().cloned());
                }
            }
        }
        self.instances.restart(instances);
        Ok(())
    }

    /// Why `key_id` cannot be deleted: instances use it.
    fn in_use(&self, key_id: &str) -> Option<String> {
        let bound = self.bound_to(key_id);
        (!bound.is_empty()).then(|| {
            format!(
                "The key pair `{key_id}` is bound to {}; unbind it first.",
                bound.join(", ")
            )
        })
    }

    pub(super) fn key_pairs_v3(
        &mut self,
        action: &str,
        params: &Value,
        rid: &str,
    ) -> Option<Outcome> {
        if !V3_ACTIONS.contains(&action) {
            return None;
        }
        let ok = |body: Value| {
            let mut body = body;
            body["RequestId"] = json!(rid);
            Ok(Outcome::Reply(json!({ "Response": body })))
        };
        let result: Result<Outcome, Outcome> = (|| match action {
            "CreateKeyPair" => {
                let name = param(params, "KeyName").unwrap_or_default();
                check_name(self, &name)?;
                let project = param(params, "ProjectId")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let key = self.new_key(&name, project, None);
                let mut shown = self.key_v3(&key);
                shown["PrivateKey"] = json!(format!(
                    "-----BEGIN RSA PRIVATE KEY-----\nbW9jayBwcml2YXRlIGtleSBvZiB7{}\n-----END RSA PRIVATE KEY-----",
                    key.key_id
                ));
                ok(json!({ "KeyPair": shown }))
            }
            "ImportKeyPair" => {
                let name = param(params, "KeyName").unwrap_or_default();
                let public_key = param(params, "PublicKey").unwrap_or_default();
                check_name(self, &name)?;
                check_public_key(self, &public_key)?;
                let project = param(params, "ProjectId")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let key = self.new_key(&name, project, Some(public_key));
                ok(json!({ "KeyId": key.key_id }))
            }
            "DeleteKeyPairs" => {
                let ids = filters::required_ids(params, "KeyIds", MAX_IDS)?;
                self.check_keys(&ids)?;
                // Keys in use stay and the call still succeeds: the doc has
                // callers check which keys went ("需要独立判断是否所有密钥对都被成功删除").
                let free: Vec<&String> =
                    ids.iter().filter(|id| self.in_use(id).is_none()).collect();
                for id in free {
                    self.key_pairs.remove(id);
                }
                ok(json!({}))
            }
            "DescribeKeyPairs" => {
                filters::exclusive(params, "KeyIds", "InvalidParameter")?;
                let ids = strings(params, "KeyIds");
                let filters = filters::parse(params, "Filters", &RULES)?;
                let page = filters::page(params, "Offset", "Limit")?;
                let found: Vec<&KeyPair> = self
                    .key_pairs
                    .values()
                    .filter(|k| ids.is_empty() || ids.contains(&k.key_id))
                    .filter(|k| {
                        filters::matches(&filters, |name, value| match name {
                            "project-id" => k.project_id.to_string() == value,
                            "key-name" => k.key_name == value,
                            _ => tag_matches(&k.tags, name, value).unwrap_or(false),
                        })
                    })
                    .collect();
                let total = found.len();
                let set: Vec<Value> = filters::window(found, page)
                    .into_iter()
                    .map(|k| self.key_v3(k))
                    .collect();
                ok(json!({ "TotalCount": total, "KeyPairSet": set }))
            }
            "AssociateInstancesKeyPairs" | "DisassociateInstancesKeyPairs" => {
                let force = flag(params, "ForceStop");
                let instances = filters::required_ids(params, "InstanceIds", MAX_IDS)?;
                let keys = filters::required_ids(params, "KeyIds", MAX_IDS)?;
                self.bind_keys(&instances, &keys, action.starts_with("Associate"), force)?;
                self.instances.record(&instances, action, rid);
                ok(json!({}))
            }
            _ => Ok(Outcome::Reply(Value::Null)),
        })();
        Some(result.unwrap_or_else(|e| e))
    }

    pub(super) fn key_pairs_v2(&mut self, action: &str, params: &Value) -> Option<Outcome> {
        if !V2_ACTIONS.contains(&action) {
            return None;
        }
        let result: Result<Value, Outcome> = (|| match action {
            "CreateKeyPair" => {
                let name = param(params, "keyName").unwrap_or_default();
                check_name(self, &name)?;
                let key = self.new_key(&name, 0, None);
                Ok(
                    json!({"data": {"keyId": key.key_id, "keyName": key.key_name,
                    "pubkey": key.public_key,
                    "secretkey": format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", key.key_id)}}),
                )
            }
            "ImportKeyPair" => {
                let name = param(params, "keyName").unwrap_or_default();
                let public_key = param(params, "pubKey").unwrap_or_default();
                check_name(self, &name)?;
                check_public_key(self, &public_key)?;
                let key = self.new_key(&name, 0, Some(public_key));
                Ok(json!({ "keyId": key.key_id }))
            }
            "DeleteKeyPair" => {
                let ids = strings(params, "keyIds");
                self.check_keys(&ids)?;
                // A bound key stays; its entry says why.
                let results: Vec<Value> = ids
                    .iter()
                    .map(|id| match self.in_use(id) {
                        None => {
                            self.key_pairs.remove(id);
                            json!({"keyId": id, "code": 0, "message": "success"})
                        }
                        Some(why) => json!({"keyId": id, "code": 5100, "message": why}),
                    })
                    .collect();
                Ok(json!({"detail": {"deleteKeySet": results}}))
            }
            "DescribeKeyPairs" => {
                let ids = strings(params, "keyIds");
                let name = param(params, "keyName");
                let project = param(params, "projectId");
                let page = filters::page(params, "offset", "limit")?;
                let found: Vec<&KeyPair> = self
                    .key_pairs
                    .values()
                    .filter(|k| ids.is_empty() || ids.contains(&k.key_id))
                    .filter(|k| {
                        name.as_ref()
                            .map_or(true, |n| k.key_name.contains(n.as_str()))
                    })
                    .filter(|k| {
                        project
                            .as_ref()
                            .map_or(true, |p| k.project_id.to_string() == *p)
                    })
                    .collect();
                let total = found.len();
                let set: Vec<Value> = filters::window(found, page)
                    .into_iter()
                    .map(|k| {
                        json!({"keyId": k.key_id, "keyName": k.key_name, "pubkey": k.public_key,
                            "status": 0, "bindUnInstanceIds": self.bound_to(&k.key_id), "bindIps": [],
                            "createTime": super::legacy_time(&k.created_time)})
                    })
                    .collect();
                Ok(json!({"data": {"totalCount": total, "sshSet": set}}))
            }
            "BindInstanceKey" | "UnBindInstanceKey" => {
                let key = param(params, "keyId").unwrap_or_default();
                let instances = strings(params, "instanceIds");
                self.bind_keys(&instances, &[key], action == "BindInstanceKey", false)?;
                Ok(json!({}))
            }
            _ => Ok(Value::Null),
        })();
        Some(result.map_or_else(|e| e, legacy_ok))
    }
}
