//! Company-wide defaults of NeonPanel's demand forecasting.

use super::{COMPANY_UUID, INTEGER, TEXT};
use crate::tools::spec::{HttpMethod, Output, ParamKind, ParamSpec, Summary, ToolSpec};

const NUMBER: ParamKind = ParamKind::Number;

pub(super) static TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "forecasting_get_company_settings",
        title: "Get forecasting settings",
        description: "Returns a company's forecasting defaults: whether forecasting is active, \
            monthly seasonality multipliers, the default scenario, supplier and FBA lead times, \
            safety stock days, reorder frequencies, and the ABC class thresholds and safety stock \
            multipliers. Read these before forecasting_update_company_settings.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/settings/forecasts",
        params: &[COMPANY_UUID],
        summary: Summary::Fixed("forecasting settings"),
        output: Output::Object,
    },
    ToolSpec {
        name: "forecasting_update_company_settings",
        title: "Update forecasting settings",
        description: "Changes a company's forecasting defaults. Send only the settings to change; \
            each replaces the stored value. The result only confirms the save, so call \
            forecasting_get_company_settings to see the stored values.",
        method: HttpMethod::Put,
        path: "/api/v1/companies/{companyUuid}/settings/forecasts",
        params: &[
            COMPANY_UUID,
            ParamSpec::body(
                "status",
                ParamKind::Enum {
                    values: &["active", "trial", "inactive"],
                    default: None,
                },
                "Whether forecasting runs for the company.",
            ),
            ParamSpec::body(
                "default_seasonality",
                TEXT,
                "Twelve multipliers, January to December, separated by semicolons, such as \
                 1;1;1;1;1;1;1;1;1;1;1.4;2. A multiplier of 1 means an average month.",
            ),
            ParamSpec::body(
                "default_scenario_id",
                INTEGER,
                "Numeric id of the default scenario.",
            ),
            ParamSpec::body(
                "default_lead_time_days",
                INTEGER,
                "Default days from purchase order to receiving goods.",
            ),
            ParamSpec::body(
                "default_safety_stock_days",
                INTEGER,
                "Default days of sales kept as safety stock.",
            ),
            ParamSpec::body(
                "default_fba_lead_time",
                INTEGER,
                "Default days from shipping to Amazon FBA until units can be sold.",
            ),
            ParamSpec::body(
                "default_fba_safety_stock",
                INTEGER,
                "Default days of sales kept as safety stock at Amazon FBA.",
            ),
            ParamSpec::body(
                "default_planned_po_frequency",
                INTEGER,
                "Days between planned purchase orders.",
            ),
            ParamSpec::body(
                "default_fba_replenishment_frequency",
                INTEGER,
                "Days between planned shipments to Amazon FBA.",
            ),
            ParamSpec::body(
                "default_safety_stock_multiplicator_class_a",
                NUMBER,
                "Safety stock multiplier for class A items.",
            ),
            ParamSpec::body(
                "default_safety_stock_multiplicator_class_b",
                NUMBER,
                "Safety stock multiplier for class B items.",
            ),
            ParamSpec::body(
                "default_safety_stock_multiplicator_class_c",
                NUMBER,
                "Safety stock multiplier for class C items.",
            ),
            ParamSpec::body(
                "default_safety_stock_multiplicator_class_d",
                NUMBER,
                "Safety stock multiplier for class D items.",
            ),
            ParamSpec::body(
                "default_revenue_class_a",
                NUMBER,
                "Revenue threshold of class A in the revenue classification.",
            ),
            ParamSpec::body(
                "default_revenue_class_b",
                NUMBER,
                "Revenue threshold of class B in the revenue classification.",
            ),
            ParamSpec::body(
                "default_revenue_class_c",
                NUMBER,
                "Revenue threshold of class C in the revenue classification.",
            ),
            ParamSpec::body(
                "default_pareto_class_a",
                NUMBER,
                "Share of revenue, in percent, that class A items make up.",
            ),
            ParamSpec::body(
                "default_pareto_class_b",
                NUMBER,
                "Share of revenue, in percent, that class B items make up.",
            ),
            ParamSpec::body(
                "default_pareto_class_c",
                NUMBER,
                "Share of revenue, in percent, that class C items make up.",
            ),
        ],
        summary: Summary::Fixed("forecasting settings saved"),
        output: Output::Object,
    },
];
