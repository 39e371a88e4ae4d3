//! Laying out the board pack on A4 pages: text, tables and charts flow down
//! the page and onto the next, headings stay with what follows them, table
//! rows never split (the header repeats on the next page). The result is a
//! list of marks per page, drawn by `pdf_write`; nothing here knows PDF.

use super::fonts::{ascent_descent, width, wrap, Weight};

/// A4 portrait, in points.
pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
pub(super) const MARGIN: f32 = 42.0;
/// Room kept at the foot of every page for its footer.
const FOOTER: f32 = 28.0;
/// The smallest text in the pack: the footer, notes and icon letters.
pub(super) const FOOTER_SIZE: f32 = 9.0;
const LINE_SPACING: f32 = 1.3;
const CELL_PADDING: f32 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rgb(pub u8, pub u8, pub u8);

pub(super) const INK: Rgb = Rgb(33, 33, 33);
pub(super) const MUTED: Rgb = Rgb(90, 90, 90);
const RULE: Rgb = Rgb(190, 190, 190);
const HEADER_FILL: Rgb = Rgb(236, 236, 236);

/// Something drawn on a page; `y` runs down from the top edge.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Mark {
    /// One line of text; `y` is its baseline. `block` is what it is part
    /// of in the structure tree; none for an artifact (a footer, a
    /// repeated table header, a badge's letter).
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        colour: Rgb,
        text: String,
        block: Option<usize>,
    },
    Circle {
        centre: (f32, f32),
        radius: f32,
        fill: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        fill: Rgb,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        colour: Rgb,
    },
    /// The trend chart of the indicator at `indicator` in the scorecard, a
    /// figure in the structure tree.
    Chart {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        indicator: usize,
        block: usize,
    },
    /// A link over a cell's area to `anchor`'s place, part of `block`.
    Link {
        area: (f32, f32, f32, f32),
        anchor: String,
        block: usize,
    },
}

/// What a block of the pack is, for the PDF's structure tree: what a screen
/// reader announces, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Role {
    /// A heading's level (1 the pack's title) and its text.
    Heading(u16, String),
    Paragraph,
    Table,
    Row,
    HeaderCell,
    Cell,
    /// A chart, with its text alternative.
    Figure(String),
    /// A link to another page, with what it goes to in words.
    Link(String),
}

/// A block and the block it is part of (a cell's row, a row's table).
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub role: Role,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Page {
    /// A4 on its side, for a table too wide for the page upright.
    pub landscape: bool,
    /// The anchors set on this page (an indicator's id) and their heights.
    pub anchors: Vec<(String, f32)>,
    pub marks: Vec<Mark>,
    /// Entries in the PDF's bookmarks, each pointing where it was set on
    /// this page (two indicators can share a page).
    pub bookmarks: Vec<(String, f32)>,
}

/// How a run of text is set.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    pub size: f32,
    pub weight: Weight,
    pub colour: Rgb,
}

impl Style {
    pub(super) const fn new(size: f32, weight: Weight, colour: Rgb) -> Style {
        Style { size, weight, colour }
    }

    fn line_height(self) -> f32 {
        self.size * LINE_SPACING
    }

    fn baseline(self) -> f32 {
        // The line box is centred on the letters: half the leading above.
        let (ascent, descent) = ascent_descent(self.weight, self.size);
        (self.line_height() - ascent - descent) / 2.0 + ascent
    }

    fn height_of(self, lines: usize) -> f32 {
        lines as f32 * self.line_height()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

/// A table cell: its text, how it is set, and an optional background.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub text: String,
    pub style: Style,
    pub fill: Option<Rgb>,
    /// Round badges before the text (the SPC icons), the text wrapped beside them.
    pub badges: Vec<Badge>,
    /// The anchor the cell links to (an indicator's page) and what is there, if any.
    pub link: Option<(String, String)>,
}

/// A filled circle with a letter in white.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Badge {
    pub fill: Rgb,
    pub letter: String,
}

/// A badge's diameter, and the room it takes with the gap after it.
const BADGE: f32 = 13.0;
const BADGE_ROOM: f32 = BADGE + 2.0;

impl Cell {
    pub(super) fn new(text: impl Into<String>, style: Style) -> Cell {
        Cell { text: text.into(), style, fill: None, badges: Vec::new(), link: None }
    }

    pub(super) fn with_badges(mut self, badges: Vec<Badge>) -> Cell {
        self.badges = badges;
        self
    }

    /// Where the text starts after the badges.
    fn indent(&self) -> f32 {
        self.badges.len() as f32 * BADGE_ROOM
    }

    /// The cell links to `anchor`, which a later page must set, where `what` is.
    pub(super) fn linked(mut self, anchor: &str, what: &str) -> Cell {
        self.link = Some((anchor.to_string(), what.to_string()));
        self
    }

    pub(super) fn filled(mut self, fill: Option<Rgb>) -> Cell {
        self.fill = fill;
        self
    }
}

#[derive(Debug, Clone)]
pub(super) struct Column {
    /// A share of the table's width; shares are scaled to fill it.
    pub share: f32,
    pub align: Align,
}

pub(super) struct Table {
    pub columns: Vec<Column>,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// The width and height of a page, upright or on its side.
pub(super) fn page_size(landscape: bool) -> (f32, f32) {
    if landscape {
        (PAGE_HEIGHT, PAGE_WIDTH)
    } else {
        (PAGE_WIDTH, PAGE_HEIGHT)
    }
}

/// Pages being filled top to bottom, and the blocks their text belongs to.
pub(super) struct Flow {
    pages: Vec<Page>,
    y: f32,
    blocks: Vec<Block>,
    /// The block text set now belongs to.
    current: Option<usize>,
}

impl Flow {
    pub(super) fn new() -> Flow {
        Flow { pages: vec![Page::default()], y: MARGIN, blocks: Vec::new(), current: None }
    }

    fn open(&mut self, role: Role, parent: Option<usize>) -> usize {
        self.blocks.push(Block { role, parent });
        self.blocks.len() - 1
    }

    /// Text set by `draw` is one block of `role` in the structure tree.
    pub(super) fn within<R>(&mut self, role: Role, draw: impl FnOnce(&mut Flow) -> R) -> R {
        let outer = self.current;
        self.current = Some(self.open(role, None));
        let drawn = draw(self);
        self.current = outer;
        drawn
    }

    /// A chart at (`x`, `top`), a figure whose text alternative is `alt`.
    pub(super) fn chart(&mut self, (x, top, width, height): (f32, f32, f32, f32), indicator: usize, alt: String) {
        let block = self.open(Role::Figure(alt), None);
        self.mark(Mark::Chart { x, y: top, width, height, indicator, block });
    }

    /// Starts a new page unless the current one is still empty.
    pub(super) fn new_page(&mut self) {
        let landscape = self.current().landscape;
        self.new_page_turned(landscape);
    }

    /// Starts a new page, upright or on its side, unless the current one is
    /// still empty (which is then turned); later pages follow its way.
    pub(super) fn new_page_turned(&mut self, landscape: bool) {
        if !self.current().marks.is_empty() {
            self.pages.push(Page::default());
        }
        self.current().landscape = landscape;
        self.y = MARGIN;
    }

    /// The width text and tables take on the current page.
    pub(super) fn body_width(&self) -> f32 {
        page_size(self.landscape()).0 - 2.0 * MARGIN
    }

    fn body_bottom(&self) -> f32 {
        page_size(self.landscape()).1 - MARGIN - FOOTER
    }

    fn landscape(&self) -> bool {
        self.pages.last().is_some_and(|page| page.landscape)
    }

    /// Marks where the cursor is as `anchor`, for links to it.
    pub(super) fn anchor(&mut self, anchor: impl Into<String>) {
        let y = self.y;
        self.current().anchors.push((anchor.into(), y));
    }

    pub(super) fn bookmark(&mut self, title: impl Into<String>) {
        let y = self.y;
        self.current().bookmarks.push((title.into(), y));
    }

    fn current(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    pub(super) fn remaining(&self) -> f32 {
        self.body_bottom() - self.y
    }

    /// Makes sure `height` fits on this page, starting a new one if not.
    pub(super) fn keep(&mut self, height: f32) {
        if height > self.remaining() && self.y > MARGIN {
            self.new_page();
        }
    }

    pub(super) fn gap(&mut self, height: f32) {
        self.y = (self.y + height).min(self.body_bottom());
    }

    pub(super) fn mark(&mut self, mark: Mark) {
        self.current().marks.push(mark);
    }

    /// Places a block of `height` at the cursor and moves past it; returns its top.
    pub(super) fn block(&mut self, height: f32) -> f32 {
        self.keep(height);
        let top = self.y;
        self.y += height;
        top
    }

    /// The height `text` takes wrapped to `width`.
    pub(super) fn text_height(text: &str, style: Style, width: f32) -> f32 {
        style.height_of(wrap(text, style.weight, style.size, width).len())
    }

    /// Sets wrapped text in a box at (`x`, `top`); returns its height.
    pub(super) fn text_at(&mut self, text: &str, style: Style, x: f32, top: f32, box_width: f32) -> f32 {
        let lines = wrap(text, style.weight, style.size, box_width);
        for (index, line) in lines.iter().enumerate() {
            let y = top + style.height_of(index) + style.baseline();
            let block = self.current;
            self.mark(Mark::Text {
                x,
                y,
                size: style.size,
                weight: style.weight,
                colour: style.colour,
                text: line.clone(),
                block,
            });
        }
        style.height_of(lines.len())
    }

    /// A paragraph across the body; its lines may continue on the next page.
    pub(super) fn paragraph(&mut self, text: &str, style: Style) {
        let width = self.body_width();
        self.within(Role::Paragraph, |flow| {
            for line in wrap(text, style.weight, style.size, width) {
                let top = flow.block(style.line_height());
                flow.text_at(&line, style, MARGIN, top, width);
            }
        });
    }

    /// A bulleted paragraph, its lines after the first indented under the text.
    pub(super) fn bullet(&mut self, text: &str, style: Style) {
        let indent = width_of("•  ", style);
        let width = self.body_width() - indent;
        self.within(Role::Paragraph, |flow| {
            for (index, line) in wrap(text, style.weight, style.size, width).into_iter().enumerate() {
                let top = flow.block(style.line_height());
                if index == 0 {
                    flow.mark(text_mark("•", style, MARGIN, top + style.baseline()));
                }
                flow.text_at(&line, style, MARGIN + indent, top, width);
            }
        });
    }

    /// A heading of `level` (1 the pack's title), kept on the same page as
    /// `keep_with` points of what follows it.
    pub(super) fn heading(&mut self, level: u16, text: &str, style: Style, keep_with: f32) {
        let width = self.body_width();
        let height = Flow::text_height(text, style, width);
        self.keep(height + keep_with);
        let top = self.block(height);
        self.within(Role::Heading(level, text.to_string()), |flow| flow.text_at(text, style, MARGIN, top, width));
    }

    /// A table across the body. A row that does not fit starts a new page,
    /// where the header (if the table has one) is repeated; only a row
    /// taller than a whole page is split, between its lines.
    pub(super) fn table(&mut self, table: &Table) {
        let widths = column_widths(&table.columns, self.body_width());
        let header = (!table.header.is_empty()).then(|| layout_row(&table.header, &widths));
        let header_height = header.as_ref().map_or(0.0, |header| header.height);
        let first_row = table.rows.first().map(|row| layout_row(row, &widths).height).unwrap_or(0.0);
        self.keep(header_height + first_row);
        let table_block = self.open(Role::Table, None);
        if let Some(header) = &header {
            let cells = self.cells(table_block, Role::HeaderCell, header.cells.len());
            self.draw_row(header, &table.columns, Some(HEADER_FILL), Some(&cells));
        }
        for row in &table.rows {
            let row = layout_row(row, &widths);
            let cells = self.cells(table_block, Role::Cell, row.cells.len());
            for piece in row.split(self.remaining(), self.body_bottom() - MARGIN - header_height) {
                if piece.height > self.remaining() {
                    self.new_page();
                    // The header again on the new page: for the eye, not the structure tree.
                    if let Some(header) = &header {
                        self.draw_row(header, &table.columns, Some(HEADER_FILL), None);
                    }
                }
                self.draw_row(&piece, &table.columns, None, Some(&cells));
            }
        }
    }

    /// A row of `table` and its `count` cells of `role`; the cells' blocks.
    fn cells(&mut self, table: usize, role: Role, count: usize) -> Vec<usize> {
        let row = self.open(Role::Row, Some(table));
        (0..count).map(|_| self.open(role.clone(), Some(row))).collect()
    }

    /// The height of `table` if it is not broken across pages.
    pub(super) fn table_height(&self, table: &Table) -> f32 {
        let widths = column_widths(&table.columns, self.body_width());
        let header = if table.header.is_empty() { 0.0 } else { layout_row(&table.header, &widths).height };
        header + table.rows.iter().map(|row| layout_row(row, &widths).height).sum::<f32>()
    }

    /// A row; its cells' text in `blocks`, or artifacts when none.
    fn draw_row(&mut self, row: &RowLayout, columns: &[Column], fill: Option<Rgb>, blocks: Option<&[usize]>) {
        let top = self.y;
        let mut x = MARGIN;
        for (index, ((cell, lines), (width, column))) in
            row.cells.iter().zip(row.widths.iter().zip(columns)).enumerate()
        {
            let mut block = blocks.and_then(|blocks| blocks.get(index).copied());
            if let (Some((anchor, what)), Some(cell_block)) = (&cell.link, block) {
                let link = self.open(Role::Link(format!("Go to the page of {what}")), Some(cell_block));
                let area = (x, top, *width, row.height);
                self.mark(Mark::Link { area, anchor: anchor.clone(), block: link });
                block = Some(link);
            }
            if let Some(fill) = cell.fill.or(fill) {
                self.mark(Mark::Rect { x, y: top, width: *width, height: row.height, fill });
            }
            let inner = width - 2.0 * CELL_PADDING - cell.indent();
            for (index, badge) in cell.badges.iter().enumerate() {
                let left = x + CELL_PADDING + index as f32 * BADGE_ROOM;
                self.badge(badge, left, top + CELL_PADDING);
            }
            for (index, line) in lines.iter().enumerate() {
                let offset = cell.indent()
                    + match column.align {
                        Align::Left => 0.0,
                        Align::Right => inner - width_of(line, cell.style),
                    };
                let style = cell.style;
                let y = top + CELL_PADDING + style.height_of(index) + style.baseline();
                let text = line.clone();
                self.mark(Mark::Text {
                    x: x + CELL_PADDING + offset,
                    y,
                    size: style.size,
                    weight: style.weight,
                    colour: style.colour,
                    text,
                    block,
                });
            }
            x += width;
        }
        self.y += row.height;
        let right = MARGIN + self.body_width();
        self.mark(Mark::Line { from: (MARGIN, self.y), to: (right, self.y), width: 0.5, colour: RULE });
    }

    /// A badge with its top-left corner at (`left`, `top`).
    pub(super) fn badge(&mut self, badge: &Badge, left: f32, top: f32) {
        let radius = BADGE / 2.0;
        self.mark(Mark::Circle { centre: (left + radius, top + radius), radius, fill: badge.fill });
        let style = Style::new(FOOTER_SIZE, Weight::Bold, Rgb(255, 255, 255));
        let x = left + radius - width_of(&badge.letter, style) / 2.0;
        // Half the capitals' height (0.73 em in DejaVu Sans) below the centre.
        self.mark(text_mark(&badge.letter, style, x, top + radius + 0.365 * style.size));
    }

    /// Adds "page i of n" and `footer` to every page; the pages in order
    /// and the blocks of their structure tree.
    pub(super) fn finish(mut self, footer: &str) -> (Vec<Page>, Vec<Block>) {
        let count = self.pages.len();
        let style = Style::new(FOOTER_SIZE, Weight::Regular, MUTED);
        for (index, page) in self.pages.iter_mut().enumerate() {
            let (width, height) = page_size(page.landscape);
            let y = height - MARGIN + style.baseline();
            let number = format!("Page {} of {count}", index + 1);
            let right = width - MARGIN - width_of(&number, style);
            let end = width - MARGIN;
            let rule = Mark::Line { from: (MARGIN, y - 11.0), to: (end, y - 11.0), width: 0.5, colour: RULE };
            page.marks.push(rule);
            page.marks.push(text_mark(footer, style, MARGIN, y));
            page.marks.push(text_mark(&number, style, right, y));
        }
        (self.pages, self.blocks)
    }
}

fn text_mark(text: &str, style: Style, x: f32, y: f32) -> Mark {
    Mark::Text {
        x,
        y,
        size: style.size,
        weight: style.weight,
        colour: style.colour,
        text: text.to_string(),
        block: None,
    }
}

fn width_of(text: &str, style: Style) -> f32 {
    width(text, style.weight, style.size)
}

fn column_widths(columns: &[Column], total: f32) -> Vec<f32> {
    let shares: f32 = columns.iter().map(|column| column.share).sum();
    columns.iter().map(|column| column.share / shares * total).collect()
}

/// A row with each cell's text broken into lines.
#[derive(Debug, Clone)]
struct RowLayout {
    cells: Vec<(Cell, Vec<String>)>,
    widths: Vec<f32>,
    height: f32,
}

fn layout_row(cells: &[Cell], widths: &[f32]) -> RowLayout {
    let cells: Vec<(Cell, Vec<String>)> = cells
        .iter()
        .zip(widths)
        .map(|(cell, width)| {
            let inner = width - 2.0 * CELL_PADDING - cell.indent();
            (cell.clone(), wrap(&cell.text, cell.style.weight, cell.style.size, inner))
        })
        .collect();
    let height = row_height(&cells);
    RowLayout { cells, widths: widths.to_vec(), height }
}

fn row_height(cells: &[(Cell, Vec<String>)]) -> f32 {
    let height = |(cell, lines): &(Cell, Vec<String>)| {
        let badges = if cell.badges.is_empty() { 0.0 } else { BADGE };
        cell.style.height_of(lines.len()).max(badges)
    };
    let tallest = cells.iter().map(height).fold(0.0, f32::max);
    tallest + 2.0 * CELL_PADDING
}

impl RowLayout {
    /// The row whole, or, if it is taller than a page body (`page`), in
    /// pieces: the first fitting `room`, each later one a page.
    fn split(self, room: f32, page: f32) -> Vec<RowLayout> {
        if self.height <= page {
            return vec![self];
        }
        let mut pieces = Vec::new();
        let mut rest = self;
        let mut limit = if room > 4.0 * CELL_PADDING { room } else { page };
        while rest.height > limit {
            let (head, tail) = rest.cut(limit);
            pieces.push(head);
            rest = tail;
            limit = page;
        }
        pieces.push(rest);
        pieces
    }

    /// The lines fitting in `height`, and the rest.
    fn cut(&self, height: f32) -> (RowLayout, RowLayout) {
        let split = |take: bool| -> Vec<(Cell, Vec<String>)> {
            self.cells
                .iter()
                .map(|(cell, lines)| {
                    let fits = (((height - 2.0 * CELL_PADDING) / cell.style.line_height()).floor() as usize).max(1);
                    let fits = fits.min(lines.len());
                    let part = if take { lines[..fits].to_vec() } else { lines[fits..].to_vec() };
                    (cell.clone(), part)
                })
                .collect()
        };
        let make = |cells: Vec<(Cell, Vec<String>)>| RowLayout {
            height: row_height(&cells),
            widths: self.widths.clone(),
            cells,
        };
        (make(split(true)), make(split(false)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::new(9.0, Weight::Regular, INK);

    fn texts(page: &Page) -> Vec<&str> {
        page.marks
            .iter()
            .filter_map(|mark| match mark {
                Mark::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn table(rows: usize, lines_per_row: usize) -> Table {
        let text = vec!["word"; lines_per_row].join("\n");
        Table {
            columns: vec![Column { share: 1.0, align: Align::Left }, Column { share: 1.0, align: Align::Right }],
            header: vec![Cell::new("Name", BODY), Cell::new("Value", BODY)],
            rows: (0..rows)
                .map(|row| vec![Cell::new(text.clone(), BODY), Cell::new(format!("row {row}"), BODY)])
                .collect(),
        }
    }

    #[test]
    fn rows_never_split_and_the_header_repeats() {
        // Each row: 5 lines of 9 pt at 1.3 spacing = 58.5 pt, plus 6 pt padding = 64.5 pt.
        // The body is 841.89 - 42 - 42 - 28 = 729.89 pt tall; the header row is
        // 11.7 + 6 = 17.7 pt; so a page takes floor((729.89 - 17.7) / 64.5) = 11 rows.
        let mut flow = Flow::new();
        flow.table(&table(30, 5));
        let (pages, _) = flow.finish("footer");
        assert_eq!(pages.len(), 3, "30 rows at 11 a page");
        for page in &pages {
            assert_eq!(texts(page).iter().filter(|text| **text == "Name").count(), 1, "header on every page");
        }
        let first_rows: Vec<usize> =
            pages.iter().map(|page| texts(page).iter().filter(|t| t.starts_with("row ")).count()).collect();
        assert_eq!(first_rows, [11, 11, 8]);
        // Every row's five lines are on the page holding its value.
        for page in &pages {
            let rows = texts(page).iter().filter(|t| t.starts_with("row ")).count();
            assert_eq!(texts(page).iter().filter(|t| **t == "word").count(), rows * 5);
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_between_lines_losing_none() {
        let mut flow = Flow::new();
        flow.table(&table(1, 120));
        let (pages, _) = flow.finish("footer");
        assert!(pages.len() >= 2);
        let words: usize = pages.iter().map(|page| texts(page).iter().filter(|t| **t == "word").count()).sum();
        assert_eq!(words, 120);
    }

    #[test]
    fn footers_number_every_page_of_the_total() {
        let mut flow = Flow::new();
        flow.paragraph("one", BODY);
        flow.new_page();
        flow.paragraph("two", BODY);
        let (pages, _) = flow.finish("Sample: March 2026");
        assert!(texts(&pages[0]).contains(&"Page 1 of 2"));
        assert!(texts(&pages[1]).contains(&"Page 2 of 2"));
        assert!(texts(&pages[1]).contains(&"Sample: March 2026"));
    }

    #[test]
    fn a_heading_moves_to_the_next_page_with_what_follows_it() {
        let mut flow = Flow::new();
        while flow.remaining() > 30.0 {
            flow.paragraph("filler", BODY);
        }
        flow.heading(2, "Heading", Style::new(12.0, Weight::Bold, INK), 60.0);
        let (pages, _) = flow.finish("footer");
        assert!(texts(&pages[1]).contains(&"Heading"));
        assert!(!texts(&pages[0]).contains(&"Heading"));
    }
}
