//! The catalog's Describe* actions: regions, zones, instance families and
//! types, and images, with their documented Filters.

use serde_json::{json, Value};

use super::catalog::Image;
use super::filters::{self, param, strings, tag_matches, FilterRules};
use super::{legacy_ok, CvmWorld};
use crate::Outcome;

const TYPE_CONFIGS: FilterRules = FilterRules {
    names: &["zone", "instance-family", "instance-type"],
    max_values: 1,
};

const ZONE_CONFIGS: FilterRules = FilterRules {
    names: &[
        "zone",
        "instance-family",
        "instance-type",
        "instance-charge-type",
        "sort-keys",
    ],
    max_values: 100,
};

const IMAGES: FilterRules = FilterRules {
    names: &[
        "image-id",
        "image-type",
        "image-name",
        "platform",
        "tag-key",
        "tag-value",
        "tag:",
        "dedicated-cluster-id",
        "cdc-cache-status",
    ],
    max_values: 5,
};

const V3_ACTIONS: &[&str] = &[
    "DescribeRegions",
    "DescribeZones",
    "DescribeInstanceFamilyConfigs",
    "DescribeInstanceTypeConfigs",
    "DescribeZoneInstanceConfigInfos",
    "DescribeImages",
];

/// `sort-keys` values: `cpu:desc`, `mem:asc`, ...; a key of the quota item.
fn sort_key(item: &Value, key: &str) -> f64 {
    let field = match key {
        "cpu" => "Cpu",
        "mem" | "memory" => "Memory",
        "gpu" => "Gpu",
        "price" => {
            return item["Price"]["UnitPrice"]
                .as_f64()
                .or(item["Price"]["DiscountPrice"].as_f64())
                .unwrap_or(0.0)
        }
        _ => return 0.0,
    };
    item[field].as_f64().unwrap_or(0.0)
}

fn image_matches(image: &Image, name: &str, value: &str) -> bool {
    match name {
        "image-id" => image.image_id == value,
        "image-type" => image.image_type == value,
        // Fuzzy, as documented.
        "image-name" => image.image_name.contains(value),
        "platform" => image
            .platform
            .to_lowercase()
            .contains(&value.to_lowercase()),
        "dedicated-cluster-id" => image.dedicated_cluster_id == value,
        "cdc-cache-status" => image.cdc_cache_status == value || value == "CACHED_ALL",
        _ => tag_matches(&image.tags, name, value).unwrap_or(false),
    }
}

impl CvmWorld {
    pub(super) fn describe_v3(
        &mut self,
        action: &str,
        params: &Value,
        rid: &str,
    ) -> Option<Outcome> {
        if !V3_ACTIONS.contains(&action) {
            return None;
        }
        let result = (|| -> Result<Value, Outcome> {
            Ok(match action {
                "DescribeRegions" => {
                    let set: Vec<Value> = self.regions.iter().map(|r| r.to_v3()).collect();
                    json!({"TotalCount": set.len(), "RegionSet": set})
                }
                "DescribeZones" => {
                    let set: Vec<Value> = self.zones.iter().map(|z| z.to_v3()).collect();
                    json!({"TotalCount": set.len(), "ZoneSet": set})
                }
                "DescribeInstanceFamilyConfigs" => {
                    let mut set: Vec<Value> = Vec::new();
                    for t in &self.instance_types {
                        let entry = json!({"InstanceFamilyName": t.type_name, "InstanceFamily": t.instance_family});
                        if !set.contains(&entry) {
                            set.push(entry);
                        }
                    }
                    json!({"InstanceFamilyConfigSet": set})
                }
                "DescribeInstanceTypeConfigs" => {
                    let filters = filters::parse(params, "Filters", &TYPE_CONFIGS)?;
                    let mut set = Vec::new();
                    for t in &self.instance_types {
                        for zone in &t.zones {
                            let keep = filters::matches(&filters, |name, value| match name {
                                "zone" => zone == value,
                                "instance-family" => t.instance_family == value,
                                _ => t.instance_type == value,
                            });
                            if keep {
                                set.push(t.config(zone));
                            }
                        }
                    }
                    json!({"InstanceTypeConfigSet": set})
                }
                "DescribeZoneInstanceConfigInfos" => {
                    let filters = filters::parse(params, "Filters", &ZONE_CONFIGS)?;
                    let mut set = Vec::new();
                    for t in &self.instance_types {
                        for zone in &t.zones {
                            for charge in &t.charge_types {
                                let keep = filters::matches(&filters, |name, value| match name {
                                    "zone" => zone == value,
                                    "instance-family" => t.instance_family == value,
                                    "instance-type" => t.instance_type == value,
                                    "instance-charge-type" => charge == value,
                                    _ => true, // sort-keys orders, it does not select
                                });
                                if keep {
                                    set.push(t.quota_item(zone, charge));
                                }
                            }
                        }
                    }
                    let sorts = filters
                        .iter()
                        .filter(|f| f.name == "sort-keys")
                        .flat_map(|f| f.values.clone());
                    for spec in sorts.collect::<Vec<_>>().into_iter().rev() {
                        let (key, order) = spec.split_once(':').unwrap_or((spec.as_str(), "asc"));
                        if !matches!(key, "cpu" | "mem" | "memory" | "gpu" | "price")
                            || !matches!(order, "asc" | "desc")
                        {
                            return Err(Outcome::error(
                                "InvalidFilter",
                                format!("sort-keys `{spec}`: use cpu, mem, gpu or price, then `:asc` or `:desc`."),
                            ));
                        }
                        set.sort_by(|a, b| {
                            let ord = sort_key(a, key).total_cmp(&sort_key(b, key));
                            if order == "desc" {
                                ord.reverse()
                            } else {
                                ord
                            }
                        });
                    }
                    json!({"InstanceTypeQuotaSet": set})
                }
                _ => {
                    // DescribeImages
                    filters::exclusive(
                        params,
                        "ImageIds",
                        "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
                    )?;
                    let ids = strings(params, "ImageIds");
                    let filters = filters::parse(params, "Filters", &IMAGES)?;
                    let page = filters::page(params, "Offset", "Limit")?;
                    if let Some(t) = param(params, "InstanceType") {
                        self.find_type(&t)?;
                    }
                    let found: Vec<&Image> = self
                        .images
                        .iter()
                        .filter(|i| ids.is_empty() || ids.contains(&i.image_id))
                        .filter(|i| filters::matches(&filters, |n, v| image_matches(i, n, v)))
                        .collect();
                    let total = found.len();
                    let set: Vec<Value> = filters::window(found, page)
                        .into_iter()
                        .map(Image::to_v3)
                        .collect();
                    json!({"TotalCount": total, "ImageSet": set})
                }
            })
        })();
        Some(match result {
            Ok(mut body) => {
                body["RequestId"] = json!(rid);
                Outcome::Reply(json!({ "Response": body }))
            }
            Err(e) => e,
        })
    }

    pub(super) fn describe_v2(&mut self, action: &str, params: &Value) -> Option<Outcome> {
        let result = match action {
            "DescribeAvailabilityZones" => {
                let wanted = param(params, "zoneId");
                let set: Vec<Value> = self
                    .zones
                    .iter()
                    .filter(|z| wanted.as_ref().map_or(true, |w| z.zone_id == *w))
                    .map(|z| {
                        json!({"zoneId": z.zone_id.parse::<i64>().unwrap_or_default(),
                        "zoneName": z.zone_name, "idcList": []})
                    })
                    .collect();
                Ok(json!({"totalCount": set.len(), "zoneSet": set}))
            }
            "DescribeImages" => (|| {
                let image_type = param(params, "imageType").ok_or_else(|| {
                    Outcome::error(
                        "MissingParameter",
                        "The request is missing a required parameter `imageType`.",
                    )
                })?;
                let ids = strings(params, "imageIds");
                if ids.len() > 10 {
                    return Err(Outcome::error(
                        "InvalidParameterValue",
                        format!("`imageIds` takes at most 10 ids; {} given.", ids.len()),
                    ));
                }
                let status = param(params, "status").filter(|s| s != "0");
                let page = filters::page(params, "offset", "limit")?;
                let found: Vec<&Image> = self
                    .images
                    .iter()
                    .filter(|i| i.legacy_type().to_string() == image_type)
                    .filter(|i| ids.is_empty() || ids.contains(&i.image_id))
                    .filter(|i| {
                        status.as_ref().map_or(true, |s| {
                            s.parse::<i64>().ok() == i.to_v2()["status"].as_i64()
                        })
                    })
                    .collect();
                let total = found.len();
                let set: Vec<Value> = filters::window(found, page)
                    .into_iter()
                    .map(Image::to_v2)
                    .collect();
                Ok(json!({"totalCount": total, "imageSet": set}))
            })(),
            _ => return None,
        };
        Some(result.map_or_else(|e| e, legacy_ok))
    }
}
