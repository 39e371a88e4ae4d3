//! What evaluation compiles from a definition, plain: each expression and
//! column name as written with where it is (for errors that point at it),
//! worked out once when the definition is loaded, in the order it is used.

use super::indicator::{Indicator, WorkingDayCount};
use super::rules::Sql;
use std::ops::Range;

/// A definition's expressions beyond its measure, checked.
#[derive(Debug, Clone)]
pub struct Expressions {
    /// The derived columns, each after those it uses.
    pub derive: Vec<DerivedColumn>,
    /// The condition a record must meet to be counted (`filter`).
    pub filter: Option<Sql>,
    /// Columns joined in from other datasets.
    pub lookups: Vec<LookupRule>,
    /// One row per entity, with aggregates (`[per_entity]`).
    pub per_entity: Option<PerEntityRule>,
    /// Where the measure's `kind` is written: errors about the measure as
    /// a whole point there.
    pub measure_at: Range<usize>,
}

/// A column computed on every row before filtering.
#[derive(Debug, Clone)]
pub struct DerivedColumn {
    /// Its name.
    pub name: String,
    /// How it is computed.
    pub rule: DerivedRule,
}

/// How a derived column is computed.
#[derive(Debug, Clone)]
pub enum DerivedRule {
    /// A SQL expression over the row.
    Sql(Sql),
    /// Working days between two date columns.
    WorkingDays {
        /// The start date column.
        from: Sql,
        /// The end date column.
        to: Sql,
        /// Which ends count.
        count: WorkingDayCount,
    },
}

/// Columns joined in from another dataset of the same period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupRule {
    /// The other dataset.
    pub dataset: String,
    /// The key column present in both.
    pub on: String,
    /// Its columns brought in.
    pub columns: Vec<String>,
}

/// One row per entity, with aggregates over each entity's rows.
#[derive(Debug, Clone)]
pub struct PerEntityRule {
    /// The entity's column; the dataset's key when None.
    pub key: Option<Sql>,
    /// Each aggregate's name and SQL, in name order.
    pub aggregates: Vec<(String, Sql)>,
}

impl Expressions {
    /// The expressions of a checked `indicator`, its derived columns in `derive_order`.
    pub(crate) fn of(indicator: &Indicator, derive_order: &[String]) -> Expressions {
        let derive = derive_order
            .iter()
            .filter_map(|name| {
                let spec = indicator.derive.get(name)?.get_ref();
                let rule = match (&spec.sql, &spec.working_days) {
                    (Some(sql), _) => DerivedRule::Sql(sql.into()),
                    (None, Some(days)) => {
                        DerivedRule::WorkingDays { from: (&days.from).into(), to: (&days.to).into(), count: days.count }
                    }
                    // `check` refuses a derived column with neither.
                    (None, None) => return None,
                };
                Some(DerivedColumn { name: name.clone(), rule })
            })
            .collect();
        let lookups = indicator
            .lookup
            .iter()
            .map(|lookup| LookupRule {
                dataset: lookup.dataset.get_ref().clone(),
                on: lookup.on.get_ref().clone(),
                columns: lookup.columns.iter().map(|column| column.get_ref().clone()).collect(),
            })
            .collect();
        let per_entity = indicator.per_entity.as_ref().map(|spec| PerEntityRule {
            key: spec.key.as_ref().map(Sql::from),
            aggregates: spec.aggregate.iter().map(|(name, sql)| (name.clone(), sql.into())).collect(),
        });
        Expressions {
            derive,
            filter: indicator.filter.as_ref().map(Sql::from),
            lookups,
            per_entity,
            measure_at: indicator.measure.kind.span(),
        }
    }
}
