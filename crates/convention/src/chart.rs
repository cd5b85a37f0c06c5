//! An SVG bar chart of how an application's cost is shared among the communes over a period.

use crate::annex::AnnexTable;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One horizontal bar per member, longest first, labelled with the member and its cost over the period.
/// The chart carries a `<title>` and a `<desc>` for assistive technologies; colours meet 4.5:1 contrast.
pub fn shares_svg(table: &AnnexTable<'_>, application_name: &str) -> String {
    const BAR_HEIGHT: usize = 18;
    const GAP: usize = 6;
    const LABEL_WIDTH: usize = 230;
    const BAR_AREA: usize = 420;
    const AMOUNT_WIDTH: usize = 110;
    let mut rows: Vec<_> = table.rows.iter().collect();
    rows.sort_by(|a, b| b.share.cost_period.cmp(&a.share.cost_period).then(a.name.cmp(&b.name)));
    let max = rows.first().map_or(1, |r| r.share.cost_period.0.max(1));
    let top = 40;
    let height = top + rows.len() * (BAR_HEIGHT + GAP) + 10;
    let width = LABEL_WIDTH + BAR_AREA + AMOUNT_WIDTH;
    let title = format!("{application_name} : répartition du coût global entre les communes");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"titre desc\" font-family=\"system-ui, Arial, sans-serif\" font-size=\"13\">\
         <title id=\"titre\">{}</title><desc id=\"desc\">Coût sur la durée de la convention par commune, au prorata de la population ; total {}.</desc>\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/><text x=\"0\" y=\"20\" font-size=\"15\" font-weight=\"700\" fill=\"#1e1e1e\">{}</text>",
        escape(&title),
        escape(&table.total_period().to_french()),
        escape(&title),
    );
    for (i, row) in rows.iter().enumerate() {
        let y = top + i * (BAR_HEIGHT + GAP);
        let length = (row.share.cost_period.0 as f64 / max as f64 * BAR_AREA as f64).round().max(1.0) as usize;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1e1e1e\">{}</text><rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{length}\" height=\"{BAR_HEIGHT}\" fill=\"#000091\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#1e1e1e\">{}</text>",
            LABEL_WIDTH - 8,
            y + BAR_HEIGHT - 4,
            escape(&row.name),
            LABEL_WIDTH + length + 6,
            y + BAR_HEIGHT - 4,
            escape(&row.share.cost_period.to_french()),
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annex::{ApplicationCost, Member, table, tables};
    use kernel::{Cents, Percent};

    #[test]
    fn bars_are_proportional_and_labelled() {
        let members = vec![
            Member { insee_code: "34001".into(), name: "Petite & Co".into(), population: 1 },
            Member { insee_code: "34002".into(), name: "Grande".into(), population: 3 },
        ];
        let applications = vec![ApplicationCost {
            application: "x".into(),
            global_cost: Cents(400_000),
            commune_participation: Percent::parse("50").unwrap(),
            ccas_participation: Percent::parse("80").unwrap(),
        }];
        let rows = table(&members, &applications, 3);
        let svg = shares_svg(&tables(&rows)[0], "Application X");
        assert!(svg.contains("<title id=\"titre\">Application X : répartition"));
        assert!(svg.contains("Petite &amp; Co"), "names are escaped");
        assert!(svg.contains("width=\"420\" height=\"18\""), "the largest share fills the bar area");
        assert!(svg.contains("width=\"140\" height=\"18\""), "a third of it for a third of the population");
        assert!(svg.find("Grande").unwrap() < svg.find("Petite").unwrap(), "longest first");
    }
}
