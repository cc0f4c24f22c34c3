//! Revenue and cost of goods sold across companies.

use crate::tools::spec::{HttpMethod, Output, ParamKind, ParamSpec, Summary, ToolSpec};

pub(super) static TOOLS: &[ToolSpec] = &[ToolSpec {
    name: "financials_get_revenue_and_cogs",
    title: "Get revenue and COGS",
    description: "Returns revenue and cost of goods sold (COGS) between two dates, with the \
        currency of each amount. `periodicity` splits the range into months, quarters or \
        years; `grouping` breaks the amounts down by company, marketplace country or invoice. \
        Without `company_uuids` or `country_codes` the totals cover every company and \
        marketplace this connection can access.",
    method: HttpMethod::Get,
    path: "/api/v1/revenue-and-cogs",
    params: &[
        ParamSpec::query(
            "start_date",
            ParamKind::Date,
            "First day of the range, as YYYY-MM-DD.",
        )
        .required(),
        ParamSpec::query(
            "end_date",
            ParamKind::Date,
            "Last day of the range, as YYYY-MM-DD. Leave out for today.",
        ),
        ParamSpec::query(
            "periodicity",
            ParamKind::Enum {
                values: &["total", "yearly", "quarterly", "monthly"],
                default: Some("total"),
            },
            "How to split the range: one total, or one row per year, quarter or month.",
        ),
        // NOTE: list parameters are sent as `name=a&name=b`, the form
        // style with explode that NeonPanel's OpenAPI document declares.
        // PHP back ends often expect `name[]=a` instead; check this
        // against the live API before relying on filters with two or more values.
        ParamSpec::query(
            "grouping",
            ParamKind::StringList {
                values: Some(&["company", "country", "invoice"]),
            },
            "Dimensions to break the amounts down by. Leave out to group by company.",
        ),
        ParamSpec::query(
            "company_uuids",
            ParamKind::StringList { values: None },
            "Only these companies, by `uuid` from account_list_companies. Leave out for every \
             accessible company.",
        ),
        ParamSpec::query(
            "country_codes",
            ParamKind::StringList { values: None },
            "Only these marketplace countries, as two-letter ISO 3166-1 codes. Leave out for \
             every marketplace.",
        ),
    ],
    summary: Summary::Records {
        singular: "revenue and COGS row",
        plural: "revenue and COGS rows",
    },
    output: Output::List,
}];
