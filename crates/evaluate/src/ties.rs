//! A data-quality check for every `LAG`/`LEAD` order: rows of one partition
//! that tie on the order (two referrals of a child on one day) are kept in
//! the extract's order, so which is "previous" depends on how the file was
//! written. Counting them says when that choice touches the figures.

use super::plan::{CheckPlan, Plan, RowOrder};
use crate::language::Definition;

/// One check per distinct dataset and order, naming every indicator that
/// sorts by it. Orders reading a window's dates are left out: they sort
/// differently in each window.
pub(crate) fn tie_checks(definitions: &[Definition], plans: &[Plan]) -> Vec<CheckPlan> {
    let mut orders: Vec<(&str, &RowOrder, Vec<&str>)> = Vec::new();
    for (definition, plan) in definitions.iter().zip(plans) {
        let Some(order) = plan.row_order.as_ref().filter(|order| !order.reads_window_columns()) else { continue };
        let dataset = definition.dataset();
        match orders.iter_mut().find(|(held, same, _)| *held == dataset && *same == order) {
            Some((_, _, ids)) => ids.push(definition.id()),
            None => orders.push((dataset, order, vec![definition.id()])),
        }
    }
    orders
        .into_iter()
        .map(|(dataset, order, ids)| {
            let (partition, by) = order.named_columns();
            let name = format!(
                "rows tying with another of the same {} on {} (LAG in {} takes them in the file's order)",
                partition.join(", "),
                by.join(", "),
                ids.join(", ")
            );
            // Counting rows per partition and value needs no sort.
            CheckPlan { dataset: dataset.to_string(), name, fails: order.ties(), row_order: None }
        })
        .collect()
}
