//! JavaScript apps: npm `package.json`, Expo configs, web pages, JavaScript and TypeScript
//! sources.

pub mod expo;
pub mod html;
pub mod lower;
pub mod package_json;
