//! Rust and Tauri: `Cargo.toml`, Tauri configs and capabilities, Rust sources.

pub mod cargo;
pub mod lower;
pub mod tauri;
