//! A local CVM: a consistent world of regions, zones, instance types,
//! images, key pairs, security groups and instances that both API families
//! read and change, with the documented Filters and errors.
//!
//! ```no_run
//! use tencentcloud_mock::cvm::{CvmWorld, Image};
//! # fn run(builder: tencentcloud_mock::MockBuilder) -> Result<(), Box<dyn std::error::Error>> {
//! let world = CvmWorld::seeded()
//!     .image(Image::public("img-abcdefgh", "Debian 12 64位", "Debian"))
//!     .seed_file("tests/fixtures/mock/cvm_seed.json")?;
//! let builder = builder.behaviour(world);
//! # Ok(()) }
//! ```

mod catalog;
mod changes;
mod changes_v2;
mod describe;
mod filters;
mod instance_actions;
mod instances;
mod keypairs;
mod login;
mod render;
mod security_groups;
mod seed;

use std::collections::BTreeMap;

use serde_json::{json, Value};

pub use catalog::{Image, InstanceType, Region, Zone};
pub use filters::Tag;
pub use instances::{Instance, DATA_DISK_TYPES, DISK_TYPE, SYSTEM_DISK_TYPES};
pub use keypairs::KeyPair;
pub use security_groups::SecurityGroup;
pub use seed::{Seed, SeedError};

use crate::{Outcome, ServiceBehaviour};
use tencentcloud_runtime::service::Family;

/// CVM's state. Start from [`CvmWorld::seeded`] (the default catalog) or
/// [`CvmWorld::empty`], add records, then hand it to
/// [`crate::MockBuilder::behaviour`].
#[derive(Debug, Default)]
pub struct CvmWorld {
    regions: Vec<Region>,
    zones: Vec<Zone>,
    instance_types: Vec<InstanceType>,
    images: Vec<Image>,
    key_pairs: BTreeMap<String, KeyPair>,
    security_groups: BTreeMap<String, SecurityGroup>,
    instances: instances::Instances,
    /// Numbers new key pair and security group ids, and legacy task ids;
    /// wraps at `u32::MAX` (ids are made with `wrapping_add` too).
    serial: u32,
}

/// Replaces the record with the same key, or appends.
fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match list.iter_mut().find(|old| same(old, &item)) {
        Some(old) => *old = item,
        None => list.push(item),
    }
}

impl CvmWorld {
    /// Nothing at all: no regions, zones, types or images.
    pub fn empty() -> CvmWorld {
        CvmWorld::default()
    }

    /// The default catalog (see `catalog.rs`): ap-guangzhou, ap-shanghai,
    /// ap-beijing; S1, S2 (S2.MEDIUM4 in ap-guangzhou-2), S5, SA2, M5;
    /// five public images; two security groups; no instances or key pairs.
    pub fn seeded() -> CvmWorld {
        let (regions, zones, instance_types, images) = catalog::default_catalog();
        CvmWorld {
            regions,
            zones,
            instance_types,
            images,
            ..CvmWorld::default()
        }
        .security_group(SecurityGroup::new(
            "sg-5df1nkg7",
            "default",
            "System created security group",
        ))
        .security_group(SecurityGroup::new(
            "sg-2rbwpfz1",
            "web",
            "HTTP and HTTPS from anywhere",
        ))
    }

    pub fn region(mut self, region: Region) -> Self {
        upsert(&mut self.regions, region, |a, b| a.region == b.region);
        self
    }

    pub fn zone(mut self, zone: Zone) -> Self {
        upsert(&mut self.zones, zone, |a, b| a.zone == b.zone);
        self
    }

    pub fn instance_type(mut self, instance_type: InstanceType) -> Self {
        upsert(&mut self.instance_types, instance_type, |a, b| {
            a.instance_type == b.instance_type
        });
        self
    }

    pub fn image(mut self, image: Image) -> Self {
        upsert(&mut self.images, image, |a, b| a.image_id == b.image_id);
        self
    }

    pub fn key_pair(mut self, key_pair: KeyPair) -> Self {
        self.key_pairs.insert(key_pair.key_id.clone(), key_pair);
        self
    }

    pub fn security_group(mut self, group: SecurityGroup) -> Self {
        self.security_groups
            .insert(group.security_group_id.clone(), group);
        self
    }

    /// Adds an instance as it is, checked against the world: its zone,
    /// type, image, key pairs and security groups must exist.
    pub fn instance(mut self, instance: Instance) -> Result<Self, String> {
        let instance = self.complete(instance)?;
        self.instances.seed(instance);
        Ok(self)
    }

    /// Instances created from now on end in LAUNCH_FAILED instead of
    /// RUNNING (`false` restores launching).
    pub fn set_launch_failure(&mut self, on: bool) {
        self.instances.launch_failure = on;
    }

    /// The instances as they are now (no state moves on), for tests.
    pub fn instances(&self) -> Vec<Instance> {
        self.instances.map.values().cloned().collect()
    }

    /// Fills an instance's defaults from its type and checks its references.
    fn complete(&self, mut i: Instance) -> Result<Instance, String> {
        let message = |o: Outcome| match o {
            Outcome::Error(_, message) => message,
            Outcome::Reply(_) => String::new(),
        };
        if i.instance_id.is_empty() {
            return Err("an instance needs an InstanceId".into());
        }
        let t = self.find_type(&i.instance_type).map_err(message)?;
        self.check_offered(t, &i.zone).map_err(message)?;
        if self.find_image(&i.image_id).is_none() {
            return Err(message(image_not_found(&i.image_id)));
        }
        self.check_keys(&i.key_ids).map_err(message)?;
        self.check_security_groups(&i.security_group_ids)
            .map_err(message)?;
        if i.cpu == 0 {
            i.cpu = t.cpu;
        }
        if i.memory == 0 {
            i.memory = t.memory;
        }
        if i.instance_charge_type.is_empty() {
            i.instance_charge_type = "POSTPAID_BY_HOUR".into();
        }
        if i.created_time.is_empty() {
            i.created_time = now();
        }
        if i.system_disk_size == 0 {
            i.system_disk_size = 50;
        }
        i.system_disk_type = instances::check_disk_type(
            &i.system_disk_type,
            instances::SYSTEM_DISK_TYPES,
            "SystemDiskType",
        )
        .map_err(message)?;
        if i.data_disk_types.len() > i.data_disk_sizes.len() {
            return Err(format!(
                "DataDiskTypes has {} types for {} data disks (DataDiskSizes).",
                i.data_disk_types.len(),
                i.data_disk_sizes.len()
            ));
        }
        for kind in &mut i.data_disk_types {
            *kind = instances::check_disk_type(kind, instances::DATA_DISK_TYPES, "DataDiskTypes")
                .map_err(message)?;
        }
        if i.uuid.is_empty() {
            i.uuid = format!(
                "6d6f636b-5eed-4000-8000-{:0>12}",
                i.instance_id.trim_start_matches("ins-")
            );
        }
        Ok(i)
    }

    fn find_image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.image_id == id)
    }

    fn is_windows(&self, image_id: &str) -> bool {
        self.find_image(image_id).is_some_and(Image::is_windows)
    }

    fn find_type(&self, name: &str) -> Result<&InstanceType, Outcome> {
        self.instance_types
            .iter()
            .find(|t| t.instance_type == name)
            .ok_or_else(|| {
                Outcome::error(
                    "InvalidParameterValue.InstanceTypeNotFound",
                    format!("The instance type `{name}` does not exist."),
                )
            })
    }

    /// Whether `zone` exists and sells `t`.
    fn check_offered(&self, t: &InstanceType, zone: &str) -> Result<(), Outcome> {
        if !self.zones.iter().any(|z| z.zone == zone) {
            return Err(Outcome::error(
                "InvalidZone.MismatchRegion",
                format!("The zone `{zone}` does not exist."),
            ));
        }
        if !t.zones.iter().any(|z| z == zone) {
            return Err(Outcome::error(
                "ResourceNotFound.InvalidZoneInstanceType",
                format!("The zone `{zone}` does not offer `{}`.", t.instance_type),
            ));
        }
        if t.status != "SELL" {
            return Err(Outcome::error(
                "ResourcesSoldOut.SpecifiedInstanceType",
                format!("`{}` is sold out.", t.instance_type),
            ));
        }
        Ok(())
    }
}

fn image_not_found(id: &str) -> Outcome {
    Outcome::error(
        "InvalidImageId.NotFound",
        format!("The image `{id}` does not exist."),
    )
}

/// Now as API 3.0 writes times: `2024-01-01T00:00:00Z`.
fn now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The legacy API's `2024-01-01 00:00:00`.
fn legacy_time(iso: &str) -> String {
    iso.replace('T', " ").trim_end_matches('Z').to_owned()
}

/// A legacy success reply with `body`'s fields.
fn legacy_ok(body: Value) -> Outcome {
    let mut reply = json!({"code": 0, "message": "", "codeDesc": "Success"});
    if let (Some(reply), Value::Object(fields)) = (reply.as_object_mut(), body) {
        reply.extend(fields);
    }
    Outcome::Reply(reply)
}

impl ServiceBehaviour for CvmWorld {
    fn handle(
        &mut self,
        family: Family,
        action: &str,
        params: &Value,
        request_id: &str,
    ) -> Option<Outcome> {
        match family {
            Family::Api3 => self
                .instances_v3(action, params, request_id)
                .or_else(|| self.changes_v3(action, params, request_id))
                .or_else(|| self.describe_v3(action, params, request_id))
                .or_else(|| self.key_pairs_v3(action, params, request_id))
                .or_else(|| self.security_groups_v3(action, params, request_id)),
            Family::Api2 => self
                .instances_v2(action, params)
                .or_else(|| self.changes_v2(action, params))
                .or_else(|| self.describe_v2(action, params))
                .or_else(|| self.key_pairs_v2(action, params))
                .or_else(|| self.security_groups_v2(action, params)),
        }
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests;
