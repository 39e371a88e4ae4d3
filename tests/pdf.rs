//! The PDF board pack read back with an independent parser: lopdf for the
//! file's structure, and each font's own ToUnicode map for its text (the
//! way a PDF viewer copies text), so these tests see what a reader sees.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// The text of each page, one entry per text run, and the fonts used.
pub(crate) struct Pack {
    pub pages: Vec<Vec<String>>,
    /// Each run's size as printed, in points: the font size scaled by the
    /// text matrix and every transformation around it (a chart drawn at
    /// 0.75 of its size prints its 12-point letters at 9).
    pub sizes: Vec<Vec<f32>>,
    /// Whether each page is wider than it is tall.
    pub landscape: Vec<bool>,
    pub fonts: Vec<EmbeddedFont>,
}

pub(crate) struct EmbeddedFont {
    pub name: String,
    pub embedded: bool,
}

impl Pack {
    pub(crate) fn read(path: &Path) -> Pack {
        let document =
            Document::load(path).unwrap_or_else(|error| panic!("{} does not parse: {error}", path.display()));
        let (mut pages, mut sizes, mut landscape) = (Vec::new(), Vec::new(), Vec::new());
        let mut fonts: HashMap<String, EmbeddedFont> = HashMap::new();
        for (_, page) in document.get_pages() {
            let mut maps = HashMap::new();
            for (resource, font) in document.get_page_fonts(page).expect("page fonts") {
                let described = describe_font(&document, font);
                fonts.entry(described.name.clone()).or_insert(described);
                maps.insert(resource, to_unicode(&document, font));
            }
            let content = document.get_page_content(page);
            let (texts, printed) = runs(&Content::decode(&content).expect("content decodes"), &maps);
            pages.push(texts);
            sizes.push(printed);
            let media = document.get_object(page).and_then(Object::as_dict).and_then(|page| page.get(b"MediaBox"));
            let media: Vec<f32> = media
                .and_then(Object::as_array)
                .map(|box_| box_.iter().filter_map(number).collect())
                .unwrap_or_default();
            landscape.push(media.len() == 4 && media[2] - media[0] > media[3] - media[1]);
        }
        Pack { pages, sizes, landscape, fonts: fonts.into_values().collect() }
    }

    /// Page `index`'s text with runs joined by spaces and spacing collapsed,
    /// so wrapped lines read as one.
    pub(crate) fn text(&self, index: usize) -> String {
        self.pages[index].join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The first page whose text contains `needle`.
    pub(crate) fn page_with(&self, needle: &str) -> Option<usize> {
        (0..self.pages.len()).find(|&index| self.text(index).contains(needle))
    }
}

fn describe_font(document: &Document, font: &Dictionary) -> EmbeddedFont {
    let name = font.get(b"BaseFont").and_then(Object::as_name).map(|n| String::from_utf8_lossy(n).to_string());
    let descendant = font
        .get(b"DescendantFonts")
        .and_then(Object::as_array)
        .ok()
        .and_then(|fonts| fonts.first())
        .and_then(|font| resolve(document, font).as_dict().ok());
    let descriptor = descendant
        .or(Some(font))
        .and_then(|font| font.get(b"FontDescriptor").ok())
        .and_then(|descriptor| resolve(document, descriptor).as_dict().ok());
    let embedded = descriptor.is_some_and(|descriptor| {
        [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"].iter().any(|key| descriptor.has(key))
    });
    EmbeddedFont { name: name.unwrap_or_default(), embedded }
}

fn resolve<'a>(document: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => document.get_object(*id).expect("reference resolves"),
        other => other,
    }
}

/// A font's ToUnicode CMap: two-byte character codes to text.
fn to_unicode(document: &Document, font: &Dictionary) -> HashMap<u16, String> {
    let Ok(reference) = font.get(b"ToUnicode") else { return HashMap::new() };
    let stream = resolve(document, reference).as_stream().expect("ToUnicode is a stream");
    let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    parse_cmap(&String::from_utf8_lossy(&bytes))
}

fn hex_tokens(section: &str) -> Vec<Vec<u8>> {
    section
        .split('<')
        .skip(1)
        .filter_map(|piece| piece.split_once('>'))
        .map(|(hex, _)| (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect())
        .collect()
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect();
    String::from_utf16_lossy(&units)
}

fn code(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |code, byte| code << 8 | *byte as u16)
}

fn parse_cmap(text: &str) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    for section in text.split("beginbfchar").skip(1) {
        let section = section.split("endbfchar").next().unwrap_or_default();
        for pair in hex_tokens(section).chunks(2) {
            map.insert(code(&pair[0]), utf16(&pair[1]));
        }
    }
    for section in text.split("beginbfrange").skip(1) {
        let section = section.split("endbfrange").next().unwrap_or_default();
        for range in hex_tokens(section).chunks(3) {
            let (start, end, first) = (code(&range[0]), code(&range[1]), code(&range[2]));
            for offset in 0..=(end - start) {
                map.insert(start + offset, String::from_utf16_lossy(&[first + offset]));
            }
        }
    }
    map
}

fn number(object: &Object) -> Option<f32> {
    match object {
        Object::Integer(value) => Some(*value as f32),
        Object::Real(value) => Some(*value),
        _ => None,
    }
}

/// A transformation matrix [a b c d e f] applied after `outer`.
fn then(inner: [f32; 6], outer: [f32; 6]) -> [f32; 6] {
    let [a, b, c, d, e, f] = inner;
    let [a2, b2, c2, d2, e2, f2] = outer;
    [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]
}

/// How much a matrix stretches the vertical: a letter's printed height per unit.
fn vertical_scale([_, _, c, d, _, _]: [f32; 6]) -> f32 {
    (c * c + d * d).sqrt()
}

fn matrix(operands: &[Object]) -> [f32; 6] {
    let values: Vec<f32> = operands.iter().filter_map(number).collect();
    values.try_into().unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
}

/// The text runs of a page (a new run at every BT: each line krilla
/// writes) and each run's printed size.
fn runs(content: &Content, maps: &HashMap<Vec<u8>, HashMap<u16, String>>) -> (Vec<String>, Vec<f32>) {
    const IDENTITY: [f32; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut runs: Vec<String> = Vec::new();
    let mut sizes: Vec<f32> = Vec::new();
    let (mut ctm, mut saved, mut text_matrix, mut font_size) = (IDENTITY, Vec::new(), IDENTITY, 0.0f32);
    let mut font: Option<&HashMap<u16, String>> = None;
    let show = |bytes: &[u8], font: Option<&HashMap<u16, String>>, runs: &mut Vec<String>| {
        let map = font.expect("text shown before a font is set");
        let text: String = bytes.chunks(2).map(|pair| map.get(&code(pair)).cloned().unwrap_or_default()).collect();
        runs.last_mut().expect("text inside BT").push_str(&text);
    };
    for operation in &content.operations {
        match operation.operator.as_str() {
            "q" => saved.push(ctm),
            "Q" => ctm = saved.pop().unwrap_or(IDENTITY),
            "cm" => ctm = then(matrix(&operation.operands), ctm),
            "BT" => {
                runs.push(String::new());
                sizes.push(f32::INFINITY);
                text_matrix = IDENTITY;
            }
            "Tm" => text_matrix = matrix(&operation.operands),
            "Tf" => {
                font = operation.operands.first().and_then(|name| name.as_name().ok()).and_then(|name| maps.get(name));
                font_size = operation.operands.get(1).and_then(number).unwrap_or(0.0);
            }
            "Tj" | "'" | "\"" | "TJ" => {
                let printed = font_size * vertical_scale(then(text_matrix, ctm));
                if let Some(size) = sizes.last_mut() {
                    *size = size.min(printed);
                }
                if operation.operator == "TJ" {
                    for item in operation.operands.first().and_then(|array| array.as_array().ok()).into_iter().flatten()
                    {
                        if let Object::String(bytes, _) = item {
                            show(bytes, font, &mut runs);
                        }
                    }
                } else if let Some(Object::String(bytes, _)) = operation.operands.last() {
                    show(bytes, font, &mut runs);
                }
            }
            _ => {}
        }
    }
    (runs, sizes)
}

/// The sample authority's March 2026 bundle, built once into a temp folder
/// from the repository's own project, definitions, extracts and commentary.
fn sample_bundle() -> &'static Path {
    static BUNDLE: OnceLock<tempfile::TempDir> = OnceLock::new();
    BUNDLE
        .get_or_init(|| {
            let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
            let dir = tempfile::tempdir().unwrap();
            let project = std::fs::read_to_string(repo.join("scorecard.toml")).unwrap();
            let project = project
                .replace("data = \"sample-data\"", &format!("data = {:?}", repo.join("sample-data")))
                .replace("indicators = [\"indicators\"]", &format!("indicators = [{:?}]", repo.join("indicators")));
            std::fs::write(dir.path().join("scorecard.toml"), project).unwrap();
            std::fs::create_dir(dir.path().join("commentary")).unwrap();
            for entry in std::fs::read_dir(repo.join("commentary")).unwrap() {
                let path = entry.unwrap().path();
                std::fs::copy(&path, dir.path().join("commentary").join(path.file_name().unwrap())).unwrap();
            }
            let output = Command::new(env!("CARGO_BIN_EXE_scorecard"))
                .args(["build", "--month", "2026-03"])
                .current_dir(dir.path())
                .env("SOURCE_DATE_EPOCH", "1774915200")
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            dir
        })
        .path()
}

fn sample_pack() -> &'static (Pack, serde_json::Value) {
    static PACK: OnceLock<(Pack, serde_json::Value)> = OnceLock::new();
    PACK.get_or_init(|| {
        let bundle = sample_bundle().join("reports/2026-03");
        let json = serde_json::from_slice(&std::fs::read(bundle.join("scorecard.json")).unwrap()).unwrap();
        (Pack::read(&bundle.join("full-pack.pdf")), json)
    })
}

fn sample_board_pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| Pack::read(&sample_bundle().join("reports/2026-03/board-pack.pdf")))
}

/// A value as the board sees it, worked out here from scorecard.json's
/// unrounded value: percentages and plain numbers to the indicator's
/// decimals, halves rounded away from zero as Excel's ROUND does (long-term
/// stability is 53 of 80 = 66.25%, shown 66.3%).
fn shown(value: &serde_json::Value, indicator: &serde_json::Value) -> String {
    let decimals = indicator["decimals"].as_u64().unwrap() as usize;
    let factor = 10f64.powi(decimals as i32);
    let value = (value.as_f64().expect("a value") * factor).round() / factor;
    match indicator["unit"].as_str().unwrap() {
        "percent" => format!("{value:.decimals$}%"),
        "number" => format!("{value:.decimals$}"),
        "days" => format!("{value:.decimals$} days"),
        other => panic!("the sample's exceptions are percentages, numbers or days, not {other}"),
    }
}

#[test]
fn the_full_pack_is_a_summary_then_a_page_per_indicator_then_the_appendix() {
    let (pack, json) = sample_pack();
    let indicators = json["indicators"].as_array().unwrap();
    let appendix = pack.page_with("Appendix: definitions as written").expect("an appendix");
    // Pages before the appendix: the opening (headline and exceptions with
    // the reason and commentary for each, what improved, every indicator's
    // row, the key: 9 pages for the sample's 43 indicators at 9.5-point
    // table text), the 13-month table (5 pages on their side), the demand
    // projection's page, then one per indicator.
    assert!(
        appendix <= 15 + indicators.len(),
        "{appendix} pages before the appendix for {} indicators",
        indicators.len()
    );
    // Every indicator has its own page: its title (over one or two lines) heads the page after the theme line.
    for indicator in indicators {
        let title = indicator["title"].as_str().unwrap();
        let heads = |page: usize| pack.pages[page].iter().skip(1).take(2).cloned().collect::<Vec<_>>().join(" ");
        let page = (2..appendix).find(|&page| heads(page).starts_with(title));
        assert!(page.is_some(), "no page for {title}");
        assert!(pack.text(page.unwrap()).contains("Commentary"));
    }
    // "Page i of n" on every page.
    let count = pack.pages.len();
    for index in 0..count {
        assert!(pack.text(index).contains(&format!("Page {} of {count}", index + 1)), "page {} unnumbered", index + 1);
    }
    // The board's pages carry no SQL; the appendix does.
    for index in 0..appendix {
        let text = pack.text(index);
        for sql in ["INTERVAL", "CASE WHEN", "`", "period_end"] {
            assert!(!text.contains(sql), "page {} shows SQL ({sql}): {text}", index + 1);
        }
    }
    assert!((appendix..count).any(|index| pack.text(index).contains("INTERVAL '17 years'")));
}

/// The board pack (issue 32): at most 16 pages for the sample. The story
/// first; then the 13-month table, every indicator a row, on pages turned on
/// their side; then half a page (chart, figures, rating, commentary) for each
/// indicator needing attention and for no other; no appendix.
#[test]
fn the_board_pack_is_short_and_keeps_what_the_board_needs() {
    let board = sample_board_pack();
    let (_, json) = sample_pack();
    let count = board.pages.len();
    assert!(count <= 16, "{count} pages");
    assert!(board.text(0).contains("Needs attention"));
    let turned: Vec<usize> = (0..count).filter(|&page| board.landscape[page]).collect();
    assert!(!turned.is_empty() && turned.windows(2).all(|pair| pair[1] == pair[0] + 1), "{turned:?}");
    assert!(board.text(turned[0]).starts_with("The last 13 months"));
    let table: String = turned.iter().map(|&page| board.text(page)).collect::<Vec<_>>().join(" ");
    assert!(
        table.contains("Mar 25 Apr 25 May 25 Jun 25 Jul 25 Aug 25 Sep 25 Oct 25 Nov 25 Dec 25 Jan 26 Feb 26 Mar 26")
    );
    for indicator in json["indicators"].as_array().unwrap() {
        let title = indicator["title"].as_str().unwrap();
        assert!(table.contains(title), "{title} is not a row of the 13-month table");
    }
    let attention = json["story"]["attention"].as_array().unwrap();
    let after = turned.last().unwrap() + 1;
    for exception in attention {
        let indicator = json["indicators"].as_array().unwrap().iter().find(|i| i["id"] == exception["id"]).unwrap();
        let title = indicator["title"].as_str().unwrap();
        let block = (after..count).find(|&page| board.pages[page].iter().any(|run| run == title));
        assert!(block.is_some(), "no half page for {title}");
    }
    // One commentary heading per half page: those needing attention and no others.
    let headings = board.pages.iter().flatten().filter(|run| run.as_str() == "Commentary").count();
    assert_eq!(headings, attention.len());
    assert!(board.page_with("Appendix").is_none());
}

/// Legible on paper: nothing in either pack prints below 9 points (notes,
/// footers, icon letters and chart text included), and table text, the
/// 13-month table's numbers and the attention table's ratings, is 9.5.
#[test]
fn nothing_prints_below_9_points_and_tables_at_9_5() {
    let (full, _) = sample_pack();
    for (name, pack) in [("board", sample_board_pack()), ("full", full)] {
        for (page, (runs, sizes)) in pack.pages.iter().zip(&pack.sizes).enumerate() {
            for (run, size) in runs.iter().zip(sizes) {
                assert!(*size >= 8.99, "{name} pack page {}: `{run}` at {size} pt", page + 1);
            }
        }
    }
    let board = sample_board_pack();
    let mut numbers = 0;
    for page in (0..board.pages.len()).filter(|&page| board.landscape[page]) {
        for (run, size) in board.pages[page].iter().zip(&board.sizes[page]) {
            if run.trim().parse::<f64>().is_ok() {
                numbers += 1;
                assert!(*size >= 9.49, "`{run}` at {size} pt in the 13-month table");
            }
        }
    }
    assert!(numbers > 400, "the 13-month table's numbers were read: {numbers}");
    let ratings = board.pages[0].iter().zip(&board.sizes[0]).filter(|(run, _)| run.as_str() == "R red");
    assert!(ratings.clone().count() > 0 && ratings.into_iter().all(|(_, size)| *size >= 9.49));
}

#[test]
fn fonts_are_embedded() {
    let (pack, _) = sample_pack();
    assert!(!pack.fonts.is_empty());
    for font in &pack.fonts {
        assert!(font.embedded, "{} is not embedded", font.name);
        assert!(font.name.contains("DejaVuSans"), "unexpected font {}", font.name);
    }
    assert!(pack.fonts.iter().any(|font| font.name.contains("Bold")));
}

#[test]
fn the_exceptions_page_has_every_red_and_amber_indicator_with_scorecard_json_numbers() {
    let (pack, json) = sample_pack();
    let opening = format!("{} {}", pack.text(0), pack.text(1));
    let attention = &opening[opening.find("Needs attention").unwrap()..opening.find("Improved").unwrap()];
    let reds_and_ambers: Vec<&serde_json::Value> = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|indicator| matches!(indicator["rag"].as_str(), Some("red" | "amber")))
        .collect();
    assert!(!reds_and_ambers.is_empty(), "the sample has exceptions to show");
    for indicator in reds_and_ambers {
        let title = indicator["title"].as_str().unwrap();
        let start = attention.find(title).unwrap_or_else(|| panic!("{title} missing from: {attention}"));
        // Its row: from its title to the next row's start (or the end).
        let row = &attention[start..];
        let latest = shown(&indicator["latest"]["value"], indicator);
        assert!(row.contains(&latest), "{title}: {latest} not in {row}");
        let exception = json["story"]["attention"]
            .as_array()
            .unwrap()
            .iter()
            .find(|exception| exception["id"] == indicator["id"])
            .expect("in the story");
        let previous = shown(&exception["previous"]["value"], indicator);
        assert!(row.contains(&previous), "{title}: last month's {previous} not in {row}");
        assert_eq!(exception["latest"]["value"], indicator["latest"]["value"]);
    }
    // The counts beside last month's, as in the story.
    let counts =
        |rag: &str| json["indicators"].as_array().unwrap().iter().filter(|indicator| indicator["rag"] == rag).count();
    let previous = &json["story"]["previous_counts"];
    let amber = format!("A {} amber {} last month", counts("amber"), previous["amber"]);
    assert!(opening.contains(&amber), "{amber} not in {opening}");
}

#[test]
fn the_cmap_reader_follows_the_spec_examples() {
    // The reader the tests rely on, on a hand-written CMap: a bfchar pair
    // and a range of three codes from <0010>.
    let cmap = "1 beginbfchar\n<0003> <0020>\nendbfchar\n1 beginbfrange\n<0010> <0012> <0041>\nendbfrange";
    let map = parse_cmap(cmap);
    assert_eq!(map[&3], " ");
    assert_eq!((map[&0x10].as_str(), map[&0x11].as_str(), map[&0x12].as_str()), ("A", "B", "C"));
}

/// A structure element of a tagged PDF: its type, its /Alt or /T, and
/// its children, read from the file's structure tree.
struct Element {
    kind: String,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn all<'a>(&'a self, found: &mut Vec<&'a Element>) {
        found.push(self);
        self.children.iter().for_each(|child| child.all(found));
    }
}

/// The text (alternative or actual) of every element of `kind` in the
/// structure tree of the tagged PDF at `path`, in reading order.
pub(crate) fn tagged(path: &Path, kind: &str) -> Vec<String> {
    let document = Document::load(path).unwrap();
    let root = resolve(&document, document.catalog().unwrap().get(b"StructTreeRoot").unwrap()).as_dict().unwrap();
    let mut all = Vec::new();
    let tree = elements(&document, root.get(b"K").unwrap());
    tree.iter().for_each(|element| element.all(&mut all));
    all.iter().filter(|element| element.kind == kind).map(|element| element.text.clone()).collect()
}

fn elements(document: &Document, object: &Object) -> Vec<Element> {
    match resolve(document, object) {
        Object::Array(items) => items.iter().flat_map(|item| elements(document, item)).collect(),
        Object::Dictionary(element) => {
            let Ok(kind) = element.get(b"S").and_then(Object::as_name) else { return Vec::new() };
            let string = |key: &[u8]| match element.get(key) {
                Ok(Object::String(bytes, _)) => {
                    let is_utf16 = bytes.starts_with(&[0xFE, 0xFF]);
                    if is_utf16 {
                        utf16(&bytes[2..])
                    } else {
                        String::from_utf8_lossy(bytes).into_owned()
                    }
                }
                _ => String::new(),
            };
            let text = [string(b"Alt"), string(b"T")].concat();
            let children = element.get(b"K").map(|kids| elements(document, kids)).unwrap_or_default();
            vec![Element { kind: String::from_utf8_lossy(kind).into_owned(), text, children }]
        }
        _ => Vec::new(),
    }
}

/// Accessible (issue 32): the board pack is tagged (krilla writes it as
/// PDF/UA-1 and refuses to finish a file its validator rejects); its
/// structure tree, read back here, holds the title as the one H1, a heading
/// per section and per indicator needing attention, tables with header
/// cells (the 13-month table's months), and each chart as a figure whose
/// text alternative says what it shows.
#[test]
fn the_board_pack_is_tagged_with_headings_tables_and_described_charts() {
    let path = sample_bundle().join("reports/2026-03/board-pack.pdf");
    let document = Document::load(&path).unwrap();
    let catalog = document.catalog().unwrap();
    assert!(matches!(catalog.get(b"Lang"), Ok(Object::String(lang, _)) if lang == b"en-GB"));
    let marked = catalog.get(b"MarkInfo").map(|info| resolve(&document, info)).and_then(Object::as_dict).unwrap();
    assert!(matches!(marked.get(b"Marked"), Ok(Object::Boolean(true))));
    let root = resolve(&document, catalog.get(b"StructTreeRoot").unwrap()).as_dict().unwrap();
    let tree = elements(&document, root.get(b"K").unwrap());
    let mut all = Vec::new();
    tree.iter().for_each(|element| element.all(&mut all));
    let of = |kind: &str| all.iter().filter(|element| element.kind == kind).collect::<Vec<_>>();
    let h1 = of("H1");
    assert_eq!(h1.len(), 1);
    assert_eq!(h1[0].text, "Northbridge Borough Council (sample)");
    let h2: Vec<&str> = of("H2").iter().map(|element| element.text.as_str()).collect();
    for section in ["Needs attention", "Improved", "The last 13 months", "Key"] {
        assert!(h2.contains(&section), "{section}: {h2:?}");
    }
    let (_, json) = sample_pack();
    let attention = json["story"]["attention"].as_array().unwrap();
    let figures = of("Figure");
    // Each indicator needing attention's chart, and the demand projection's
    // (the sample has `[projection]`), described by what it says.
    assert_eq!(figures.len(), attention.len() + 1);
    let projected = &json["projection"]["scenarios"][0]["months"][23]["total"];
    let number = |value: &serde_json::Value| value.as_f64().expect("a number");
    let said = format!(
        "{:.0} ({:.0} to {:.0}) children would be looked after in March 2028",
        number(&projected["mean"]),
        number(&projected["lower80"]),
        number(&projected["upper80"])
    );
    let projection = figures.iter().find(|figure| figure.text.starts_with("Line chart of children looked after"));
    assert!(projection.expect("the projection's chart").text.contains(&said), "{said}");
    assert!(h2.contains(&"Children looked after: where demand is heading"), "{h2:?}");
    for exception in attention {
        let indicator = json["indicators"].as_array().unwrap().iter().find(|i| i["id"] == exception["id"]).unwrap();
        let title = indicator["title"].as_str().unwrap();
        assert!(h2.contains(&title), "no heading for {title}");
        let alt = format!(
            "Chart of {title} by month, April 2023 to March 2026. Latest {}",
            shown(&indicator["latest"]["value"], indicator)
        );
        assert!(figures.iter().any(|figure| figure.text.starts_with(&alt)), "no figure described as `{alt}`");
    }
    // Tables: rows of cells, the first of each with header cells; the
    // 13-month table's headers are the months.
    let tables = of("Table");
    assert!(tables.len() >= 3, "{} tables", tables.len());
    for table in &tables {
        assert!(table.children.iter().all(|row| row.kind == "TR"));
        assert!(table.children.iter().flat_map(|row| &row.children).all(|cell| cell.kind == "TH" || cell.kind == "TD"));
    }
    let months = tables.iter().find(|table| table.children.len() == 44).expect("a header row and 43 indicators");
    let headers = &months.children[0].children;
    assert_eq!(headers.len(), 15);
    assert!(headers.iter().all(|cell| cell.kind == "TH"));
}

/// Each linked title's page and what the link says it goes to: every link
/// annotation of the pack, as (the page it is on, its /Contents, the page
/// it goes to), pages counted from 0.
fn links(path: &Path) -> Vec<(usize, String, usize)> {
    let document = Document::load(path).unwrap();
    let pages: Vec<lopdf::ObjectId> = document.get_pages().into_values().collect();
    let mut found = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let dictionary = document.get_object(*page).and_then(Object::as_dict).unwrap();
        let Ok(annotations) = dictionary.get(b"Annots").map(|annots| resolve(&document, annots)) else { continue };
        for annotation in annotations.as_array().unwrap() {
            let annotation = resolve(&document, annotation).as_dict().unwrap();
            let contents = match annotation.get(b"Contents") {
                Ok(Object::String(bytes, _)) if bytes.starts_with(&[0xFE, 0xFF]) => utf16(&bytes[2..]),
                Ok(Object::String(bytes, _)) => String::from_utf8_lossy(bytes).into_owned(),
                _ => String::new(),
            };
            let destination = annotation
                .get(b"Dest")
                .or_else(|_| resolve(&document, annotation.get(b"A").unwrap()).as_dict().unwrap().get(b"D"))
                .map(|dest| resolve(&document, dest))
                .unwrap();
            let target = destination.as_array().unwrap()[0].as_reference().unwrap();
            found.push((index, contents, pages.iter().position(|page| *page == target).unwrap()));
        }
    }
    found
}

/// The indicators' titles in the attention table and the 13-month table
/// link to their pages (their half pages in the board pack: only those that
/// have one); in the full pack the summary table's titles link too.
#[test]
fn titles_link_to_their_indicators_pages() {
    let (full, json) = sample_pack();
    let attention = json["story"]["attention"].as_array().unwrap().len();
    let bundle = sample_bundle().join("reports/2026-03");
    let board = sample_board_pack();
    let board_links = links(&bundle.join("board-pack.pdf"));
    // The attention table's row and the 13-month table's row for each.
    assert_eq!(board_links.len(), 2 * attention, "{board_links:?}");
    for (pack, found) in [(board, &board_links), (full, &links(&bundle.join("full-pack.pdf")))] {
        for (from, contents, to) in found {
            let title = contents.strip_prefix("Go to the page of ").unwrap_or_else(|| panic!("{contents}"));
            assert!(pack.text(*to).contains(title), "page {} links to page {} for {title}", from + 1, to + 1);
            assert!(to > from);
        }
    }
    let indicators = json["indicators"].as_array().unwrap().len();
    // Attention table, summary table and 13-month table.
    assert_eq!(links(&bundle.join("full-pack.pdf")).len(), attention + 2 * indicators);
}
