//! A definition's rule in the words it was written in: where its records
//! come from and each expression, quoted as written, for the definitions
//! appendix (later stages add how it is calculated and rated).

use super::definition::Definition;
use super::indicator::WorkingDayCount;

impl Definition {
    /// The rule as an analyst checks it, one (label, text) line each: the
    /// source, lookups, computed columns, the records included, per-entity
    /// aggregates and the measure's expressions.
    pub fn rule_as_written(&self, window: &str) -> Vec<(String, String)> {
        let indicator = &self.indicator;
        let mut lines = vec![("Source".to_string(), format!("the `{}` extract, {window}", self.dataset()))];
        for lookup in &indicator.lookup {
            let columns: Vec<&str> = lookup.columns.iter().map(|c| c.get_ref().as_str()).collect();
            lines.push((
                "Looked up".into(),
                format!(
                    "{} from `{}`, matched on {}",
                    columns.join(", "),
                    lookup.dataset.get_ref(),
                    lookup.on.get_ref()
                ),
            ));
        }
        for (name, derived) in &indicator.derive {
            let rule = match (&derived.get_ref().sql, &derived.get_ref().working_days) {
                (Some(sql), _) => sql.get_ref().clone(),
                (None, Some(days)) => {
                    let (from, to) = (days.from.get_ref(), days.to.get_ref());
                    let span = match days.count {
                        WorkingDayCount::AfterStartToEnd => format!("after {from} up to and including {to}"),
                        WorkingDayCount::StartToBeforeEnd => {
                            format!("from and including {from} up to but not including {to}")
                        }
                        WorkingDayCount::StartToEnd => format!("from {from} to {to}, both included"),
                    };
                    format!("working days {span} (weekends and bank holidays left out)")
                }
                (None, None) => String::new(),
            };
            lines.push((format!("Computed {name}"), rule));
        }
        if let Some(filter) = &indicator.filter {
            lines.push(("Records included".into(), filter.get_ref().clone()));
        }
        if let Some(per_entity) = &indicator.per_entity {
            for (name, aggregate) in &per_entity.aggregate {
                let entity = per_entity.key.as_ref().map_or("entity", |key| key.get_ref().as_str());
                lines.push((format!("Per {entity}, {name}"), aggregate.get_ref().clone()));
            }
        }
        let measure = &indicator.measure;
        let expressions = [
            ("Counted where", &measure.condition),
            ("Value of", &measure.of),
            ("Numerator", &measure.numerator),
            ("Denominator", &measure.denominator),
            ("Weighted by", &measure.weight),
        ];
        for (label, value) in expressions {
            if let Some(value) = value {
                lines.push((label.to_string(), value.get_ref().clone()));
            }
        }
        lines
    }
}
