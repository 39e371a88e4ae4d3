//! Statutory-return XML flattened into tables: the CIN census into
//! `children`, `referrals`, `assessments`, `cin-plans`, `section47` and
//! `cp-plans`; the children's social work workforce census into `workers`
//! and `vacancies`. A dataset names its table (`table = "assessments"`).
//! The file is parsed as a stream; a DOCTYPE (and so any entity
//! definition) is refused, and only XML's own five entities and character
//! references are read, so nothing can expand or reach outside the file.

use super::table::{Lines, Table, Typer, Where};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::project::DatasetConfig;
use quick_xml::events::Event;
use std::path::Path;

/// One table of a return: the element each record is, where its key
/// columns come from, and its columns (keys first).
struct TableShape {
    name: &'static str,
    collection: &'static str,
    /// The element that is one record of this table.
    record: &'static str,
    columns: &'static [&'static str],
}

/// Elements that hold a list of values: joined with commas in one cell
/// (one row per assessment, its factors together, never repeated rows).
const LISTS: [&str; 3] = ["Disability", "AssessmentFactors", "CPPreviewDate"];

const TABLES: [TableShape; 8] = [
    TableShape {
        name: "children",
        collection: "CIN",
        record: "Child",
        columns: &[
            "LAchildID",
            "UPN",
            "FormerUPN",
            "UPNunknown",
            "PersonBirthDate",
            "ExpectedPersonBirthDate",
            "GenderCurrent",
            "Sex",
            "PersonDeathDate",
            "Ethnicity",
            "Disability",
        ],
    },
    TableShape {
        name: "referrals",
        collection: "CIN",
        record: "CINdetails",
        columns: &[
            "LAchildID",
            "CINdetailsID",
            "CINreferralDate",
            "ReferralSource",
            "PrimaryNeedCode",
            "CINclosureDate",
            "ReasonForClosure",
            "DateOfInitialCPC",
            "ReferralNFA",
        ],
    },
    TableShape {
        name: "assessments",
        collection: "CIN",
        record: "Assessments",
        columns: &[
            "LAchildID",
            "CINdetailsID",
            "AssessmentID",
            "AssessmentActualStartDate",
            "AssessmentInternalReviewDate",
            "AssessmentAuthorisationDate",
            "AssessmentFactors",
        ],
    },
    TableShape {
        name: "cin-plans",
        collection: "CIN",
        record: "CINPlanDates",
        columns: &["LAchildID", "CINdetailsID", "CINPlanStartDate", "CINPlanEndDate"],
    },
    TableShape {
        name: "section47",
        collection: "CIN",
        record: "Section47",
        columns: &[
            "LAchildID",
            "CINdetailsID",
            "S47ActualStartDate",
            "InitialCPCtarget",
            "DateOfInitialCPC",
            "ICPCnotRequired",
        ],
    },
    TableShape {
        name: "cp-plans",
        collection: "CIN",
        record: "ChildProtectionPlans",
        columns: &[
            "LAchildID",
            "CINdetailsID",
            "CPPID",
            "CPPstartDate",
            "CPPendDate",
            "InitialCategoryOfAbuse",
            "LatestCategoryOfAbuse",
            "NumberOfPreviousCPP",
            "CPPreviewDate",
        ],
    },
    TableShape {
        name: "workers",
        collection: "CSWW",
        record: "CSWWWorker",
        columns: &[
            "SWENo",
            "AgencyWorker",
            "FTE",
            "FTE30",
            "PersonBirthDate",
            "GenderCurrent",
            "Ethnicity",
            "QualInst",
            "QualLevel",
            "StepUpGrad",
            "FrontlineGrad",
            "OrgRole",
            "RoleStartDate",
            "StartOrigin",
            "RoleEndDate",
            "LeaverDestination",
            "ReasonLeave",
            "Cases30",
            "WorkingDaysLost",
            "ContractWeeks",
            "Absat30Sept",
            "ReasonAbsence",
            "CFKSSstatus",
        ],
    },
    TableShape {
        name: "vacancies",
        collection: "CSWW",
        record: "LALevelVacancies",
        columns: &["NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"],
    },
];

/// Container elements: they hold records or values, never a value themselves.
const CONTAINERS: [&str; 11] = [
    "Message",
    "Header",
    "CollectionDetails",
    "Source",
    "Children",
    "ChildIdentifiers",
    "ChildCharacteristics",
    "Disabilities",
    "FactorsIdentifiedAtAssessment",
    "Reviews",
    "CINdetails",
];

/// Header values that are read but are not table columns.
const HEADER_VALUES: [&str; 9] =
    ["Collection", "Year", "ReferenceDate", "SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"];

fn table_names() -> Vec<&'static str> {
    TABLES.iter().map(|table| table.name).collect()
}

/// Elements renamed between years of a schema: (year from, old, new).
const RENAMED: [(u32, &str, &str); 1] = [(2026, "GenderCurrent", "Sex")];

/// A statutory return's XML (CIN census, workforce census) read into the dataset's typed columns, refusing entities and bounded by the reader limits.
pub fn parse_return(path: &Path, bytes: &[u8], config: &DatasetConfig) -> Result<Table, Diagnostics> {
    let wanted = shape_of(path, config)?;
    table_of(path, &flatten_return(path, bytes, &[TABLES[wanted].name])?, config)
}

/// The table a dataset names, or why it names none.
fn shape_of(path: &Path, config: &DatasetConfig) -> Result<usize, Diagnostics> {
    let Some(wanted) = config.table_name() else {
        let message = format!("an XML return needs `table`: one of {}", table_names().join(", "));
        return Err(Diagnostic::file(path, message).into());
    };
    TABLES.iter().position(|table| table.name == wanted).ok_or_else(|| {
        let message = format!("`{wanted}` is not a table of a return (tables: {})", table_names().join(", "));
        Diagnostic::file(path, message).with_help_opt(did_you_mean(wanted, table_names())).into()
    })
}

/// Every element a value may be in: header values and every table's
/// columns (looked up for each element of a file, so a set).
fn known_elements() -> &'static std::collections::HashSet<&'static str> {
    static KNOWN: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        HEADER_VALUES.iter().copied().chain(TABLES.iter().flat_map(|table| table.columns.iter().copied())).collect()
    })
}

/// The table whose record an element is (each record element is one
/// table's).
fn table_of_record(name: &str) -> Option<usize> {
    TABLES.iter().position(|table| table.record == name)
}

/// An element's local name as text (a name not UTF-8 keeps its readable part).
fn element_name(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// A return file read once: every table's records, as text, with the line
/// each starts on; what its header says. Each dataset drawn from the file
/// types its own table from it (`table_of`), so a census of six tables is
/// parsed once, not six times.
#[derive(Debug)]
pub(crate) struct FlatReturn {
    collection: Option<String>,
    reference_date: Option<chrono::NaiveDate>,
    /// By table, in `TABLES` order.
    rows: Vec<Vec<(usize, Vec<String>)>>,
}

/// The `wanted` tables (by name) of the return in `bytes`; the others'
/// records are walked (every value is still checked) but not kept.
pub(crate) fn flatten_return(path: &Path, bytes: &[u8], wanted: &[&str]) -> Result<FlatReturn, Diagnostics> {
    let lines = Lines::new(bytes);
    let mut flattener = Flattener::new(&lines, path, wanted);
    flattener.run(bytes)?;
    let rows = flattener.tables.into_iter().map(|table| table.rows).collect();
    Ok(FlatReturn { collection: flattener.collection, reference_date: flattener.reference_date, rows })
}

/// A dataset's table from a return read once.
pub(crate) fn table_of(path: &Path, flat: &FlatReturn, config: &DatasetConfig) -> Result<Table, Diagnostics> {
    let index = shape_of(path, config)?;
    let shape = &TABLES[index];
    if flat.collection.as_deref() != Some(shape.collection) {
        let found =
            flat.collection.as_deref().map_or("no <Collection>".to_string(), |found| format!("a {found} return"));
        let message =
            format!("table `{}` is read from a {} return; this file is {found}", shape.name, shape.collection);
        return Err(Diagnostic::file(path, message).into());
    }
    let positions = super::table::column_positions(path, shape.columns, config)
        .map_err(|found| Diagnostics(found.into_iter().map(|(_, diagnostic)| diagnostic).collect()))?;
    let mut typer = Typer::new(path, config, positions, true);
    for (line, row) in &flat.rows[index] {
        typer.push_row(|index| row[index].as_str(), &Where::Element { line: *line })?;
    }
    let mut table = typer.finish()?;
    table.reference_date = flat.reference_date;
    Ok(table)
}

/// The longest value an element may hold. No field of either return comes
/// near it (ids, dates and codes); past it a value is a broken or hostile
/// file (one 4 MB child id, copied into each of 2,000 records, took 8 GB).
const LONGEST_VALUE: usize = 32_767;

/// What the records kept may take: 256 MB plus twice the file's size. A
/// record's row costs a few hundred bytes however short its XML (an empty
/// `<CINdetails/>` is 13), so a file of nothing but records could otherwise
/// ask for thirty times its size.
fn records_budget(file_bytes: usize) -> usize {
    (256 << 20) + 2 * file_bytes
}

/// One table's records as the walk finds them.
#[derive(Default)]
struct Records {
    /// The record being read, with the line it starts on.
    open: Option<(usize, Vec<String>)>,
    rows: Vec<(usize, Vec<String>)>,
    /// Running number of the table's records, for their generated ids.
    count: usize,
}

/// Walks the return's elements, keeping the records of every table.
struct Flattener<'a> {
    lines: &'a Lines<'a>,
    path: &'a Path,
    /// Open elements' names, outermost first, one after another in
    /// `names` (no string made for each element).
    open: Vec<std::ops::Range<usize>>,
    names: String,
    /// By table, in `TABLES` order.
    tables: Vec<Records>,
    /// Whether a table's records are kept, likewise.
    wanted: Vec<bool>,
    /// The records open, innermost last: the depth of each one's element
    /// and its table.
    records_open: Vec<(usize, usize)>,
    /// Keys inherited by records inside a child or a referral.
    child_id: String,
    details: usize,
    year: Option<u32>,
    collection: Option<String>,
    /// The header's `<ReferenceDate>`: the census day the return describes.
    reference_date: Option<chrono::NaiveDate>,
    text: String,
    /// Bytes the kept rows take, and their bound.
    held: usize,
    budget: usize,
}

impl<'a> Flattener<'a> {
    fn new(lines: &'a Lines<'a>, path: &'a Path, wanted: &[&str]) -> Flattener<'a> {
        Flattener {
            lines,
            path,
            open: Vec::new(),
            names: String::new(),
            tables: TABLES.iter().map(|_| Records::default()).collect(),
            wanted: TABLES.iter().map(|table| wanted.contains(&table.name)).collect(),
            records_open: Vec::new(),
            child_id: String::new(),
            details: 0,
            year: None,
            collection: None,
            reference_date: None,
            text: String::new(),
            held: 0,
            budget: 0,
        }
    }

    fn error(&self, offset: u64, message: impl Into<String>) -> Diagnostics {
        Diagnostic::at(self.path, self.lines.of(offset as usize), 1, message).into()
    }

    fn run(&mut self, bytes: &[u8]) -> Result<(), Diagnostics> {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        self.budget = records_budget(bytes.len());
        loop {
            let offset = reader.buffer_position();
            let event = reader.read_event().map_err(|error| {
                let at = reader.error_position();
                self.error(at, format!("malformed XML: {error}"))
            })?;
            match event {
                Event::DocType(_) => {
                    return Err(self.error(offset, "a DOCTYPE is refused: returns never need one, and it can define entities that expand without bound or read other files"));
                }
                Event::Start(start) => {
                    self.start(&element_name(start.local_name().as_ref()), offset)?;
                }
                Event::Empty(start) => {
                    self.start(&element_name(start.local_name().as_ref()), offset)?;
                    self.end(offset)?;
                }
                Event::Text(text) => {
                    let text = text.decode().map_err(|error| self.error(offset, format!("not text: {error}")))?;
                    self.text.push_str(&text);
                    self.check_length(offset)?;
                }
                Event::CData(data) => {
                    self.text.push_str(&String::from_utf8_lossy(&data));
                    self.check_length(offset)?;
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(character)) => character.to_string(),
                        _ => {
                            let name = String::from_utf8_lossy(&reference).into_owned();
                            let known = [("amp", "&"), ("lt", "<"), ("gt", ">"), ("quot", "\""), ("apos", "'")];
                            match known.iter().find(|(entity, _)| *entity == name) {
                                Some((_, text)) => text.to_string(),
                                None => {
                                    return Err(
                                        self.error(offset, format!("entity `&{name};` is refused: a return uses none"))
                                    )
                                }
                            }
                        }
                    };
                    self.text.push_str(&resolved);
                    self.check_length(offset)?;
                }
                Event::End(_) => self.end(offset)?,
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(open) = self.innermost() {
            let offset = bytes.len() as u64;
            return Err(self.error(offset, format!("the file ends inside <{open}>: it was cut short")));
        }
        Ok(())
    }

    fn innermost(&self) -> Option<&str> {
        self.open.last().map(|range| &self.names[range.clone()])
    }

    fn start(&mut self, name: &str, offset: u64) -> Result<(), Diagnostics> {
        self.text.clear();
        match name {
            "Child" => {
                self.child_id.clear();
                self.details = 0;
            }
            "CINdetails" => self.details += 1,
            _ => {}
        }
        if let Some(index) = table_of_record(name) {
            self.open_record(index, name, offset);
        }
        let at = self.names.len();
        self.names.push_str(name);
        self.open.push(at..self.names.len());
        Ok(())
    }

    /// A record starts: its row, with the ids it inherits or is given. An
    /// unwanted table's record is open all the same (the innermost record
    /// for its own values, as when kept) but holds no row.
    fn open_record(&mut self, index: usize, name: &str, offset: u64) {
        let (shape, table) = (&TABLES[index], &mut self.tables[index]);
        table.count += 1;
        self.records_open.push((self.open.len(), index));
        if !self.wanted[index] {
            table.open = None;
            return;
        }
        let mut row = vec![String::new(); shape.columns.len()];
        let line = self.lines.of(offset as usize);
        let ids = [("LAchildID", self.child_id.clone()), ("CINdetailsID", self.details.to_string())];
        for (column, value) in ids {
            if let Some(at) = shape.columns.iter().position(|c| *c == column) {
                row[at] = value;
            }
        }
        let own_id = match name {
            "Assessments" => Some("AssessmentID"),
            "ChildProtectionPlans" => Some("CPPID"),
            _ => None,
        };
        if let Some(at) = own_id.and_then(|id| shape.columns.iter().position(|c| *c == id)) {
            row[at] = table.count.to_string();
        }
        table.open = Some((line, row));
    }

    fn end(&mut self, offset: u64) -> Result<(), Diagnostics> {
        let Some(range) = self.open.pop() else { return Ok(()) };
        // Taken and given back, so the buffers' room is kept for the next element.
        let (mut buffer, mut names) = (std::mem::take(&mut self.text), std::mem::take(&mut self.names));
        let ended = self.ended(&names[range.clone()], buffer.trim(), offset);
        buffer.clear();
        names.truncate(range.start);
        (self.text, self.names) = (buffer, names);
        ended
    }

    fn ended(&mut self, name: &str, text: &str, offset: u64) -> Result<(), Diagnostics> {
        if let Some(&(depth, index)) = self.records_open.last() {
            if depth == self.open.len() {
                self.records_open.pop();
                if let Some(record) = self.tables[index].open.take() {
                    self.keep(index, record, offset)?;
                }
                return Ok(());
            }
        }
        if CONTAINERS.contains(&name) {
            return Ok(());
        }
        self.value(name, text, offset)
    }

    /// The element's text so far is within `LONGEST_VALUE`: checked as it
    /// grows, so a long text is refused before it is copied anywhere.
    fn check_length(&self, offset: u64) -> Result<(), Diagnostics> {
        match self.text.len() > LONGEST_VALUE {
            true => Err(self.error(
                offset,
                format!(
                    "<{}> holds a value longer than {LONGEST_VALUE} characters: no field of a return is that long",
                    self.innermost().unwrap_or("?")
                ),
            )),
            false => Ok(()),
        }
    }

    /// Keep a finished record, within the budget for all of them.
    fn keep(&mut self, table: usize, record: (usize, Vec<String>), offset: u64) -> Result<(), Diagnostics> {
        let overhead = std::mem::size_of::<(usize, Vec<String>)>() + record.1.len() * std::mem::size_of::<String>();
        self.held += overhead + record.1.iter().map(String::len).sum::<usize>();
        if self.held > self.budget {
            let kept: usize = self.tables.iter().map(|table| table.rows.len()).sum();
            let message = format!(
                "its {} records would take more than {} MB to hold (256 MB plus twice the file's size): the file repeats records or values far beyond a real return",
                kept + 1,
                self.budget >> 20
            );
            return Err(self.error(offset, message));
        }
        self.tables[table].rows.push(record);
        Ok(())
    }

    /// A leaf element's value: a header field, the child's id, or a column
    /// of the record being read (lists joined).
    fn value(&mut self, name: &str, text: &str, offset: u64) -> Result<(), Diagnostics> {
        match name {
            "Collection" => self.collection = Some(text.to_string()),
            "ReferenceDate" => self.reference_date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
            "Year" => self.year = text.parse().ok(),
            "LAchildID" => self.child_id = text.to_string(),
            _ => {}
        }
        let year = self.year.unwrap_or(0);
        if let Some((from, old, new)) =
            RENAMED.iter().find(|(from, old, new)| year >= *from && name == *old || year < *from && name == *new)
        {
            let message = if name == *old {
                format!("<{old}> is not in the {year} schema (it became <{new}> in {from}): is this an earlier year's file, or its <Year> wrong?")
            } else {
                format!("<{new}> is not in the {year} schema (it was <{old}> before {from}): is this a later year's file, or its <Year> wrong?")
            };
            return Err(self.error(offset, message));
        }
        if !known_elements().contains(name) {
            let element_names = TABLES.iter().flat_map(|table| table.columns.iter().copied());
            let help = did_you_mean(name, element_names);
            let schema =
                self.collection.as_deref().map_or("return".to_string(), |collection| format!("{collection} return"));
            let diagnostics: Diagnostics =
                self.error(offset, format!("<{name}> is not an element of the {schema}'s schema"));
            return Err(Diagnostics(diagnostics.0.into_iter().map(|d| d.with_help_opt(help.clone())).collect()));
        }
        // Only the innermost record's own values: a referral's section 47
        // has a <DateOfInitialCPC> too.
        let Some(&(_, innermost)) = self.records_open.last() else { return Ok(()) };
        let shape = &TABLES[innermost];
        let Some((_, row)) = self.tables[innermost].open.as_mut() else { return Ok(()) };
        let Some(index) = shape.columns.iter().position(|column| *column == name) else { return Ok(()) };
        let cell = &mut row[index];
        if LISTS.contains(&name) && !cell.is_empty() {
            cell.push(',');
        }
        cell.push_str(text);
        if cell.len() > LONGEST_VALUE {
            let message = format!("the <{name}> values of one record join to more than {LONGEST_VALUE} characters");
            return Err(self.error(offset, message));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_project_knows_every_table() {
        assert_eq!(super::table_names(), crate::project::RETURN_TABLES);
    }
}
