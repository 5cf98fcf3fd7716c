//! Tables that fit the terminal without breaking what a user copies. A permission string (a
//! scope, a label, `METHOD /path`) is never cut: prose columns wrap at spaces first; then a
//! column that may move ([`Fit::Under`]) goes under its left neighbour's value; and when even
//! that does not fit, each row becomes a short block of lines (no table at all).

use std::fmt;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::Style;
use super::words::{has_keep, unkeep, whole, width, wrap};

/// How a column gives way when the table is wider than the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never broken: permission strings, statuses, numbers, dates.
    Whole,
    /// Wraps at spaces; fragments marked with [`super::words::whole`] stay whole.
    Prose,
    /// Whole, and moves under the previous column's value when the table would not fit.
    Under,
}

/// The colour and weight of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Plain,
    Red,
    RedBold,
    Yellow,
    Grey,
}

/// One cell: its text (lines separated by `\n`) and tone.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub text: String,
    pub tone: Tone,
}

impl Field {
    pub fn new(text: impl fmt::Display) -> Field {
        Field {
            text: text.to_string(),
            tone: Tone::Plain,
        }
    }

    pub fn tone(mut self, tone: Tone) -> Field {
        self.tone = tone;
        self
    }
}

#[derive(Debug, Clone)]
struct Column {
    header: String,
    fit: Fit,
}

/// A table to be fitted to `style.width` when it is displayed.
#[derive(Debug, Clone)]
pub struct Grid {
    style: Style,
    columns: Vec<Column>,
    rows: Vec<Vec<Field>>,
}

/// Columns a table with `n` columns spends on borders and padding (`│ a ┆ b │`).
fn overhead(n: usize) -> usize {
    3 * n + 1
}

/// The widest line of `text`.
fn widest(text: &str) -> usize {
    text.lines().map(width).max().unwrap_or(0)
}

/// The widest piece of `text` that wrapping cannot break (split at ASCII spaces and lines).
fn widest_word(text: &str) -> usize {
    text.split([' ', '\n']).map(width).max().unwrap_or(0)
}

impl Grid {
    pub fn new(style: Style, columns: &[(&str, Fit)]) -> Grid {
        Grid {
            style,
            columns: columns
                .iter()
                .map(|(h, fit)| Column {
                    header: h.to_string(),
                    fit: *fit,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn add_row(&mut self, row: Vec<Field>) {
        self.rows.push(row);
    }

    fn cell(&self, row: usize, col: usize) -> &str {
        self.rows[row].get(col).map(|f| f.text.as_str()).unwrap_or("")
    }

    /// (least, natural) width of column `col`: a whole column needs all of its widest line.
    fn bounds(&self, col: usize) -> (usize, usize) {
        let header = widest_word(&self.columns[col].header);
        let natural = (0..self.rows.len())
            .map(|r| widest(self.cell(r, col)))
            .max()
            .unwrap_or(0)
            .max(header);
        if self.columns[col].fit != Fit::Prose {
            return (natural, natural);
        }
        let word = (0..self.rows.len())
            .map(|r| widest_word(self.cell(r, col)))
            .max()
            .unwrap_or(0)
            .max(header);
        (word.max(natural.min(12)), natural)
    }

    /// Each column's width when the table fits in `limit` columns.
    fn widths(&self, limit: usize) -> Option<Vec<usize>> {
        let bounds: Vec<(usize, usize)> = (0..self.columns.len()).map(|c| self.bounds(c)).collect();
        let least: usize = bounds.iter().map(|b| b.0).sum::<usize>() + overhead(bounds.len());
        let mut spare = limit.checked_sub(least)?;
        let mut widths: Vec<usize> = bounds.iter().map(|b| b.0).collect();
        // Share what is left among the prose columns, a column at a time, up to what each needs.
        while spare > 0 {
            let mut grew = false;
            for (w, b) in widths.iter_mut().zip(&bounds) {
                if spare > 0 && *w < b.1 {
                    *w += 1;
                    spare -= 1;
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        Some(widths)
    }

    /// The least width the grid needs.
    fn least(&self) -> usize {
        (0..self.columns.len()).map(|c| self.bounds(c).0).sum::<usize>() + overhead(self.columns.len())
    }

    /// The grid with one movable column moved under its left neighbour: the move that saves
    /// the most width (the rightmost of equals). `None` when no column can move.
    fn narrower(&self) -> Option<Grid> {
        (1..self.columns.len())
            .rev()
            .filter(|&c| self.columns[c].fit == Fit::Under)
            .map(|c| self.moved_under(c))
            .min_by_key(Grid::least)
    }

    /// The grid with column `at` moved under column `at - 1`.
    fn moved_under(&self, at: usize) -> Grid {
        let mut g = self.clone();
        let moved = g.columns.remove(at);
        // The merged column may wrap where either value marks break points (`Group › label`);
        // an unmarked whole value then stays whole line by line.
        let prose =
            g.columns[at - 1].fit == Fit::Prose || g.rows.iter().any(|r| r.get(at).is_some_and(|f| has_keep(&f.text)));
        let left_whole = g.columns[at - 1].fit != Fit::Prose;
        let left = &mut g.columns[at - 1];
        left.header = format!("{}\n{}", left.header, moved.header);
        if prose {
            left.fit = Fit::Prose;
        }
        let keep = |text: String| {
            if prose && !has_keep(&text) {
                text.lines().map(whole).collect::<Vec<_>>().join("\n")
            } else {
                text
            }
        };
        for row in &mut g.rows {
            if at < row.len() {
                let f = row.remove(at);
                if left_whole {
                    row[at - 1].text = keep(std::mem::take(&mut row[at - 1].text));
                }
                let text = keep(f.text);
                if !text.is_empty() {
                    row[at - 1].text = format!("{}\n{text}", row[at - 1].text);
                }
            }
        }
        g
    }

    fn table(&self, widths: &[usize]) -> Table {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
            .set_content_arrangement(ContentArrangement::Disabled);
        if !self.style.color {
            t.force_no_tty();
        } else {
            t.enforce_styling();
        }
        let lay = |text: &str, c: usize| match self.columns[c].fit {
            Fit::Prose => wrap(text, widths[c]).join("\n"),
            _ => unkeep(text),
        };
        t.set_header(
            self.columns
                .iter()
                .enumerate()
                .map(|(c, col)| Cell::new(wrap(&col.header, widths[c]).join("\n")).add_attribute(Attribute::Bold)),
        );
        for row in &self.rows {
            t.add_row(
                row.iter()
                    .enumerate()
                    .map(|(c, f)| paint(Cell::new(lay(&f.text, c)), f.tone)),
            );
        }
        t
    }

    /// Rows as blocks: the short leading values on one line, then each other value on its own
    /// line, indented, named by its column.
    fn blocks(&self, limit: usize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Which columns are short, once: asking per cell would scan every row per cell.
        let short: Vec<bool> = (0..self.columns.len())
            .map(|c| self.columns[c].fit != Fit::Prose && self.bounds(c).1 <= 12)
            .collect();
        for row in &self.rows {
            let mut lead = Vec::new();
            let mut used = 0;
            let mut rest = 0;
            for (c, field) in row.iter().enumerate() {
                if c > 0 && !short.get(c).copied().unwrap_or(false) {
                    break;
                }
                if !field.text.is_empty() {
                    let text = match self.columns[c].fit {
                        Fit::Prose => wrap(&field.text, limit).join("\n"),
                        _ => unkeep(&field.text),
                    };
                    // The lead line stays within the limit: what would pass it is a block line.
                    let w = text.lines().map(width).max().unwrap_or(0);
                    if c > 0 && used + 2 + w > limit {
                        break;
                    }
                    used += if used == 0 { w } else { 2 + w };
                    lead.push(self.style_tone(&text, field.tone));
                }
                rest = c + 1;
            }
            writeln!(f, "{}", lead.join("  "))?;
            for (c, field) in row.iter().enumerate().skip(rest) {
                if !field.text.is_empty() {
                    self.block_line(&self.columns[c], field, limit, f)?;
                }
            }
        }
        Ok(())
    }

    /// One value of a block: `  Column: value` when it fits beside its name, else below it.
    fn block_line(&self, col: &Column, field: &Field, limit: usize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = &col.header;
        let head = format!("  {header}: ");
        // A whole value may still break where its text marks the break points (`Group › label`).
        let text = match col.fit {
            Fit::Prose => field.text.clone(),
            _ if has_keep(&field.text) => field.text.clone(),
            _ => field.text.lines().map(whole).collect::<Vec<_>>().join("\n"),
        };
        let lines = |room: usize| -> Vec<String> { wrap(&text, room) };
        let beside = lines(limit.saturating_sub(width(&head)));
        if beside.iter().all(|l| width(&head) + width(l) <= limit) {
            for (i, l) in beside.iter().enumerate() {
                let lead = if i == 0 { head.clone() } else { " ".repeat(width(&head)) };
                writeln!(f, "{lead}{}", self.style_tone(l, field.tone))?;
            }
            return Ok(());
        }
        writeln!(f, "  {header}:")?;
        for l in lines(limit.saturating_sub(4)) {
            // A permission string too wide even there starts the line: whole beats indented.
            let indent = if width(&l) + 4 > limit { "" } else { "    " };
            writeln!(f, "{indent}{}", self.style_tone(&l, field.tone))?;
        }
        Ok(())
    }

    fn style_tone(&self, text: &str, tone: Tone) -> String {
        match tone {
            Tone::Plain => text.to_string(),
            Tone::Red => self.style.paint("31", text),
            Tone::RedBold => self.style.red(text),
            Tone::Yellow => self.style.yellow(text),
            Tone::Grey => self.style.paint("90", text),
        }
    }
}

fn paint(cell: Cell, tone: Tone) -> Cell {
    match tone {
        Tone::Plain => cell,
        Tone::Red => cell.fg(Color::Red),
        Tone::RedBold => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Tone::Yellow => cell.fg(Color::Yellow),
        Tone::Grey => cell.fg(Color::DarkGrey),
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = usize::from(self.style.width);
        let mut grid = self.clone();
        loop {
            if let Some(widths) = grid.widths(limit) {
                // comfy-table ends the last line without a newline, as callers expect.
                return write!(f, "{}", grid.table(&widths));
            }
            match grid.narrower() {
                Some(g) => grid = g,
                None => break,
            }
        }
        // Blocks of the columns as they were, each value under its own column's name.
        let blocks = Blocks(self, limit).to_string();
        write!(f, "{}", blocks.trim_end_matches('\n'))
    }
}

/// The block form of a grid, as a value that can be displayed.
struct Blocks<'a>(&'a Grid, usize);

impl fmt::Display for Blocks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.blocks(self.1, f)
    }
}
