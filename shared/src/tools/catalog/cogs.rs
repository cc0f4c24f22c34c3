//! Landed cost and cost of goods sold of single inventory items.

use super::{COMPANY_UUID, END_DATE, ID, NON_EMPTY, PAGE, PER_PAGE};
use crate::tools::spec::{HttpMethod, Output, ParamKind, ParamSpec, Summary, ToolSpec};

const INVENTORY_ID: ParamSpec = ParamSpec::path(
    "inventoryId",
    ID,
    "Numeric `id` of the inventory item, from inventory_list_items.",
);

const FROM_DATE: ParamSpec = ParamSpec::query(
    "start_date",
    ParamKind::Date,
    "First day of the period, as YYYY-MM-DD.",
)
.required();

pub(super) static TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "cogs_get_inventory_landed_cost",
        title: "Get inventory landed cost",
        description: "Lists how the landed cost of one inventory item in one warehouse was built \
            up over a period: purchase price plus freight, duties and other costs per batch, one \
            page at a time. Needs the item's `id` from inventory_list_items and the warehouse's \
            `uuid` from inventory_list_warehouses.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/landed-cost",
        params: &[
            COMPANY_UUID,
            INVENTORY_ID,
            ParamSpec::query(
                "warehouse_uuid",
                NON_EMPTY,
                "The warehouse's `uuid`, from inventory_list_warehouses.",
            )
            .required(),
            PAGE,
            PER_PAGE,
            FROM_DATE,
            END_DATE,
        ],
        summary: Summary::Records {
            singular: "landed cost entry",
            plural: "landed cost entries",
        },
        output: Output::Page,
    },
    ToolSpec {
        name: "cogs_get_inventory_cogs",
        title: "Get inventory COGS",
        description: "Lists the cost of goods sold (COGS) booked for one inventory item over a \
            period, one page at a time, with the cost per unit sold. Needs the item's `id` from \
            inventory_list_items. For totals across companies, use \
            financials_get_revenue_and_cogs.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/cogs",
        params: &[
            COMPANY_UUID,
            INVENTORY_ID,
            PAGE,
            PER_PAGE,
            FROM_DATE,
            END_DATE,
        ],
        summary: Summary::Count {
            key: "details",
            singular: "COGS entry",
            plural: "COGS entries",
        },
        output: Output::Object,
    },
];
