//! Reading the tab-separated tables in `shared/reference/schemas/`.

/// Splits `text` into rows of exactly `columns.len()` fields after checking that the first line
/// is exactly `columns`; `name` is used in error messages. Empty trailing lines are ignored.
pub fn read<'a>(name: &str, text: &'a str, columns: &[&str]) -> Result<Vec<Vec<&'a str>>, String> {
    let mut lines = text.lines();
    let head: Vec<&str> = lines
        .next()
        .ok_or_else(|| format!("{name}: empty file"))?
        .split('\t')
        .collect();
    if head != columns {
        return Err(format!(
            "{name}: expected columns {columns:?}, found {head:?}"
        ));
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let row: Vec<&str> = line.split('\t').collect();
        if row.len() != columns.len() {
            return Err(format!(
                "{name}:{}: expected {} fields, found {}",
                i + 2,
                columns.len(),
                row.len()
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_header_and_width() {
        assert_eq!(
            read("t", "a\tb\nx\t\n\n", &["a", "b"]),
            Ok(vec![vec!["x", ""]])
        );
        assert!(read("t", "a\tc\n", &["a", "b"]).is_err());
        assert!(read("t", "a\tb\nx\n", &["a", "b"]).is_err());
    }
}
