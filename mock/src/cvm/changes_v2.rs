//! The legacy API's instance changes: ResetInstances (reinstall),
//! ModifyInstanceAttributes (the name) and ResetInstancePassword, on the
//! same world and rules as API 3.0 (`changes.rs`), with the legacy codes.

use serde_json::{json, Value};

use super::changes::{invalid, required, Reinstall, MAX_NAME, MODIFIABLE, REINSTALLABLE};
use super::filters::{self, param};
use super::login::{self, check_password};
use super::{legacy_ok, CvmWorld};
use crate::Outcome;

const V2_ACTIONS: &[&str] = &[
    "ResetInstances",
    "ModifyInstanceAttributes",
    "ResetInstancePassword",
];

impl CvmWorld {
    /// The legacy API's check: ids exist and are in one of `from`.
    fn legacy_check(&self, ids: &[String], from: &[&str]) -> Result<(), Outcome> {
        self.instances.check(ids, &[])?;
        match ids.iter().find_map(|id| {
            self.instances
                .map
                .get(id)
                .filter(|i| !from.contains(&i.instance_state.as_str()))
        }) {
            Some(i) => Err(Outcome::error(
                "OperationConstraints.InvaildInstanceStatus",
                format!(
                    "The instance `{}` is {}; this needs it {}.",
                    i.instance_id,
                    i.instance_state,
                    from.join(" or ")
                ),
            )),
            None => Ok(()),
        }
    }

    /// Checks a legacy `password` by the rule of the OS it is for; a
    /// refusal gets `code` (each action documents its own).
    pub(super) fn legacy_password(
        password: &str,
        windows: bool,
        code: &str,
    ) -> Result<(), Outcome> {
        let rule = if windows {
            &login::LEGACY_WINDOWS
        } else {
            &login::LEGACY_LINUX
        };
        check_password(password, rule, "", code)
    }

    /// A legacy task number (the serial wraps rather than overflows).
    fn task(&mut self) -> u32 {
        self.serial = self.serial.wrapping_add(1);
        0x7461_0000u32.wrapping_add(self.serial)
    }

    pub(super) fn changes_v2(&mut self, action: &str, params: &Value) -> Option<Outcome> {
        if !V2_ACTIONS.contains(&action) {
            return None;
        }
        let result: Result<Value, Outcome> = (|| match action {
            // "目前只支持实例名称的修改", "本接口仅支持单个实例的修改".
            "ModifyInstanceAttributes" => {
                let id = required(params, "instanceId")?;
                let name = required(params, "instanceName")?;
                if name.chars().count() > MAX_NAME {
                    return Err(invalid(format!(
                        "An instance name has at most {MAX_NAME} characters."
                    )));
                }
                let ids = vec![id];
                self.legacy_check(&ids, MODIFIABLE)?;
                self.each(&ids, |i| i.instance_name = name.clone());
                Ok(json!({}))
            }
            // "只有处于关机状态的实例才允许执行重置密码操作".
            "ResetInstancePassword" => {
                // The legacy doc sets no batch limit.
                let ids = filters::required_ids(params, "instanceIds", usize::MAX)?;
                let password = required(params, "password")?;
                self.legacy_check(&ids, &["STOPPED"])?;
                let windows = ids.iter().any(|id| self.runs_windows(id));
                Self::legacy_password(&password, windows, "InvalidParameterValue")?;
                let mut detail = serde_json::Map::new();
                for id in &ids {
                    let task = self.task().to_string();
                    detail.insert(
                        id.clone(),
                        json!({"code": 0, "message": "", "requestId": task}),
                    );
                }
                Ok(json!({ "detail": detail }))
            }
            // ResetInstances.
            _ => {
                let id = required(params, "instanceId")?;
                let ids = vec![id.clone()];
                self.legacy_check(&ids, REINSTALLABLE)?;
                let image_id = self.reinstall_image(&id, param(params, "imageId"))?;
                if let (Some(kind), Some(image)) =
                    (param(params, "imageType"), self.find_image(&image_id))
                {
                    if kind != image.legacy_type().to_string() {
                        return Err(invalid(format!(
                            "The image `{image_id}` is of imageType {}, not {kind}.",
                            image.legacy_type()
                        )));
                    }
                }
                let system_disk_size = self.grown_disk(&id, param(params, "rootSize"))?;
                if let Some(password) = param(params, "password") {
                    Self::legacy_password(
                        &password,
                        self.is_windows(&image_id),
                        "InvalidParameterValue",
                    )?;
                }
                let r = Reinstall {
                    image_id,
                    system_disk_size,
                    key_ids: Vec::new(),
                    host_name: None,
                };
                self.reinstall(&id, r);
                Ok(json!({ "requestId": self.task() }))
            }
        })();
        Some(result.map_or_else(|e| e, legacy_ok))
    }
}
