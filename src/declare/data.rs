//! The store vocabularies and SDK disclosures `privlint declare` drafts from
//! (`policies/stores/declarations.yaml`, embedded): data, not code.

use std::sync::OnceLock;

use serde::Deserialize;

/// The declarations data file, compiled into the binary.
const EMBEDDED: &str = include_str!("../../policies/stores/declarations.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreData {
    pub version: String,
    pub data_types: Vec<DataType>,
    pub purposes: Vec<Purpose>,
    pub categories: Vec<CategoryUse>,
    pub sdks: Vec<SdkDisclosure>,
}

/// One kind of data, named in each store's vocabulary (absent: that store has no name).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataType {
    pub id: String,
    pub name: String,
    /// The catalog capability whose use means this data type is at hand.
    #[serde(default)]
    pub capability: Option<String>,
    /// For levelled capabilities (location): which precision this type stands for.
    #[serde(default)]
    pub precise: Option<bool>,
    #[serde(default)]
    pub play: Option<PlayType>,
    #[serde(default)]
    pub app_store: Option<String>,
    #[serde(default)]
    pub manifest: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlayType {
    pub group: String,
    pub response: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub id: String,
    pub play: String,
    pub app_store: String,
    pub manifest: String,
}

/// What SDKs of a catalog category do with the data they receive.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryUse {
    pub category: String,
    pub purposes: Vec<String>,
    #[serde(default)]
    pub shared: bool,
}

/// What one SDK collects by itself, from its vendor's disclosure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkDisclosure {
    pub sdk: String,
    pub collects: Vec<String>,
    pub purposes: Vec<String>,
    #[serde(default)]
    pub shared: bool,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl StoreData {
    /// The embedded data. It is checked by the unit tests below, so a broken file
    /// never ships; should it still fail to parse, the drafts are empty, never wrong.
    pub fn embedded() -> &'static StoreData {
        static DATA: OnceLock<StoreData> = OnceLock::new();
        DATA.get_or_init(|| {
            crate::yaml::from_str(EMBEDDED).unwrap_or(StoreData {
                version: "invalid".into(),
                data_types: Vec::new(),
                purposes: Vec::new(),
                categories: Vec::new(),
                sdks: Vec::new(),
            })
        })
    }
    pub fn data_type(&self, id: &str) -> Option<&DataType> {
        self.data_types.iter().find(|d| d.id == id)
    }
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id == id)
    }
    pub fn category(&self, id: &str) -> Option<&CategoryUse> {
        self.categories.iter().find(|c| c.category == id)
    }
    pub fn sdk(&self, id: &str) -> Option<&SdkDisclosure> {
        self.sdks.iter().find(|s| s.sdk == id)
    }
    /// The data types a capability stands for: location at the precision the app reads.
    pub fn for_capability(&self, capability: &str, precise: bool) -> Option<&DataType> {
        self.data_types.iter().find(|d| {
            d.capability.as_deref() == Some(capability) && d.precise.is_none_or(|p| p == precise)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn embedded_data_parses_and_names_only_known_ids() {
        let data: StoreData = crate::yaml::from_str(EMBEDDED).expect("declarations.yaml parses");
        let catalog = Catalog::embedded().expect("catalog");
        for d in &data.data_types {
            if let Some(cap) = &d.capability {
                assert!(
                    catalog.capability(cap).is_some(),
                    "{}: capability {cap}",
                    d.id
                );
            }
        }
        for c in &data.categories {
            assert!(catalog.category(&c.category).is_some(), "{}", c.category);
            for p in &c.purposes {
                assert!(data.purpose(p).is_some(), "{}: purpose {p}", c.category);
            }
        }
        for s in &data.sdks {
            assert!(catalog.sdk(&s.sdk).is_some(), "unknown SDK {}", s.sdk);
            assert!(s.source.starts_with("https://"), "{}: source", s.sdk);
            for t in &s.collects {
                assert!(data.data_type(t).is_some(), "{}: data type {t}", s.sdk);
            }
            for p in &s.purposes {
                assert!(data.purpose(p).is_some(), "{}: purpose {p}", s.sdk);
            }
        }
        for category in catalog.category_ids() {
            assert!(
                data.category(category).is_some(),
                "category {category} has no use"
            );
        }
    }

    #[test]
    fn location_maps_by_precision() {
        let data = StoreData::embedded();
        let id = |precise| {
            data.for_capability("location", precise)
                .map(|d| d.id.as_str())
        };
        assert_eq!(id(true), Some("precise-location"));
        assert_eq!(id(false), Some("approximate-location"));
        assert_eq!(
            data.for_capability("microphone", true)
                .map(|d| d.id.as_str()),
            Some("audio")
        );
    }
}
