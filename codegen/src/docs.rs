//! TEMPORARY until the converter lands.
pub fn to_markdown(input: &str) -> String {
    input
        .lines()
        .map(|l| l.trim().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}
