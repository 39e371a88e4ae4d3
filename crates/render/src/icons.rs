//! Making Data Count's icons: variation (common cause; special cause
//! improving, concerning, or high/low where there is no better direction)
//! and assurance (target consistently met, consistently missed, hit and
//! miss). A circle in the icon's colour with a letter, so the meaning never
//! rests on colour alone, and a text alternative for screen readers. The
//! same icon is drawn as SVG on the page and as shapes in the PDF.

use crate::judge::{Assurance, IndicatorReport, Spc, SpcBasis, Variation};
use crate::language::Polarity;

/// An icon: fill colour, the letter inside it, and its meaning in words.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Icon {
    pub colour: (u8, u8, u8),
    pub letter: &'static str,
    pub text: String,
}

const GREY: (u8, u8, u8) = (110, 110, 110);
const BLUE: (u8, u8, u8) = (0, 114, 178);
const ORANGE: (u8, u8, u8) = (176, 96, 0);
const PURPLE: (u8, u8, u8) = (120, 60, 150);

/// SPC on the values the chart draws: an icon never stands for points the
/// reader cannot see (a rolling figure's SPC runs on each month's own,
/// which the chart does not draw; its sentence says so instead).
fn charted_spc(indicator: &IndicatorReport) -> Option<&Spc> {
    indicator.spc.as_ref().filter(|spc| spc.basis == SpcBasis::ReportedValues)
}

/// The latest month's variation, or None when there is no SPC on the chart.
pub(super) fn variation(indicator: &IndicatorReport) -> Option<Icon> {
    let latest = charted_spc(indicator)?.latest?;
    Some(variation_icon(latest, indicator.polarity))
}

fn variation_icon(latest: Variation, polarity: Polarity) -> Icon {
    // Which way the special cause points: high or low.
    let high = match (latest, polarity) {
        (Variation::CommonCause, _) => None,
        (Variation::High, _) => Some(true),
        (Variation::Low, _) => Some(false),
        (Variation::Improving, Polarity::LowerIsBetter) | (Variation::Concerning, Polarity::HigherIsBetter) => {
            Some(false)
        }
        (Variation::Improving | Variation::Concerning, _) => Some(true),
    };
    let letter = match high {
        None => "~",
        Some(true) => "H",
        Some(false) => "L",
    };
    let colour = match latest {
        Variation::CommonCause => GREY,
        Variation::Improving => BLUE,
        Variation::Concerning => ORANGE,
        Variation::High | Variation::Low => PURPLE,
    };
    let side = match high {
        Some(true) => " (high)",
        Some(false) => " (low)",
        None => "",
    };
    Icon { colour, letter, text: format!("Variation: {}{side}", latest.describe()) }
}

/// Whether the target is assured, or None without SPC or a target.
pub(super) fn assurance(indicator: &IndicatorReport) -> Option<Icon> {
    Some(assurance_icon(charted_spc(indicator)?.assurance?))
}

fn assurance_icon(assurance: Assurance) -> Icon {
    let (colour, letter) = match assurance {
        Assurance::ConsistentlyMet => (BLUE, "P"),
        Assurance::ConsistentlyMissed => (ORANGE, "F"),
        Assurance::HitAndMiss => (GREY, "?"),
    };
    Icon { colour, letter, text: format!("Assurance: {}", assurance.describe()) }
}

/// Every icon the page and the pack can show, each with its meaning: the key.
pub(super) fn key() -> Vec<Icon> {
    let variation = |latest, polarity, text: &str| Icon { text: text.to_string(), ..variation_icon(latest, polarity) };
    let assurance = |assurance: Assurance| {
        let icon = assurance_icon(assurance);
        Icon { text: assurance.describe().to_string(), ..icon }
    };
    vec![
        variation(Variation::CommonCause, Polarity::HigherIsBetter, "common cause variation: no signal"),
        variation(
            Variation::Improving,
            Polarity::HigherIsBetter,
            "special cause, improving: high where higher is better",
        ),
        variation(Variation::Improving, Polarity::LowerIsBetter, "special cause, improving: low where lower is better"),
        variation(
            Variation::Concerning,
            Polarity::LowerIsBetter,
            "special cause, concerning: high where lower is better",
        ),
        variation(
            Variation::Concerning,
            Polarity::HigherIsBetter,
            "special cause, concerning: low where higher is better",
        ),
        variation(Variation::High, Polarity::NoJudgement, "special cause, higher (no better direction)"),
        variation(Variation::Low, Polarity::NoJudgement, "special cause, lower (no better direction)"),
        assurance(Assurance::ConsistentlyMet),
        assurance(Assurance::ConsistentlyMissed),
        assurance(Assurance::HitAndMiss),
    ]
}

/// The icon as inline SVG, `size` pixels square, with its text as the
/// accessible name (and a tooltip).
pub(super) fn svg(icon: &Icon, size: u32) -> String {
    let (r, g, b) = icon.colour;
    let text = escape(&icon.text);
    format!(
        concat!(
            r#"<svg class="icon" width="{size}" height="{size}" viewBox="0 0 24 24" role="img" aria-label="{text}">"#,
            r#"<title>{text}</title><circle cx="12" cy="12" r="11" fill="rgb({r},{g},{b})"/>"#,
            r##"<text x="12" y="16.5" text-anchor="middle" font-family="DejaVu Sans, Verdana, sans-serif" font-size="13" font-weight="bold" fill="#fff">{letter}</text></svg>"##
        ),
        size = size,
        text = text,
        r = r,
        g = g,
        b = b,
        letter = escape(icon.letter)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letter_says_which_way_and_the_colour_whether_it_is_good() {
        let shown = |variation, polarity| {
            let icon = variation_icon(variation, polarity);
            (icon.letter, icon.colour)
        };
        // Fewer re-referrals (lower is better) is a low special cause that is good.
        assert_eq!(shown(Variation::Improving, Polarity::LowerIsBetter), ("L", BLUE));
        assert_eq!(shown(Variation::Improving, Polarity::HigherIsBetter), ("H", BLUE));
        // Fewer assessments on time (higher is better) is low and concerning.
        assert_eq!(shown(Variation::Concerning, Polarity::HigherIsBetter), ("L", ORANGE));
        assert_eq!(shown(Variation::Concerning, Polarity::LowerIsBetter), ("H", ORANGE));
        assert_eq!(shown(Variation::High, Polarity::NoJudgement), ("H", PURPLE));
        assert_eq!(shown(Variation::CommonCause, Polarity::HigherIsBetter), ("~", GREY));
        assert_eq!(
            variation_icon(Variation::Concerning, Polarity::LowerIsBetter).text,
            "Variation: special cause: concerning (high)"
        );
    }

    #[test]
    fn the_svg_names_itself_and_escapes_its_text() {
        let svg = svg(&Icon { colour: ORANGE, letter: "L", text: "Variation: <concerning>".into() }, 20);
        assert!(svg.contains(r#"aria-label="Variation: &lt;concerning&gt;""#));
        assert!(svg.contains("<title>Variation: &lt;concerning&gt;</title>"));
        assert!(svg.contains(">L</text>"));
        assert!(svg.contains("rgb(176,96,0)"));
    }
}
