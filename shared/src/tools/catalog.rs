//! The NeonPanel tools this server offers, one [`ToolSpec`] per operation.
//!
//! Tool names match those of the earlier NeonPanel MCP server so that
//! existing prompts keep working. Parameter names, types and limits follow
//! NeonPanel's API v1 (OpenAPI document version 1.2.0-beta).

use super::spec::{Access, HttpMethod, Location, ParamKind, ParamSpec, Summary, ToolSpec};

/// Every tool, in the order `tools/list` returns them.
pub static TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "account_list_companies",
        title: "List companies",
        description: "Lists the NeonPanel companies this connection can access, one page at a time. \
            Call this first: every other tool needs a company's `uuid` (passed as `companyUuid`). \
            Each company also has a numeric `id`, which is not interchangeable with its `uuid`, \
            plus its currency and timezone.",
        method: HttpMethod::Get,
        path: "/api/v1/companies",
        params: &[PAGE, PER_PAGE],
        access: Access::Read,
        summary: Summary::Records {
            singular: "company",
            plural: "companies",
        },
    },
    ToolSpec {
        name: "inventory_list_items",
        title: "List inventory items",
        description: "Lists a company's inventory items (products per marketplace) with their \
            numeric `id`, name, SKU, ASIN, FNSKU, marketplace country and dimensions. Filter with \
            `search` (matches SKU, ASIN, FNSKU, ID or name) or the exact `sku`, `asin`, `fnsku` and \
            `country_code` filters. Use an item's `id` as `inventoryId` in inventory_get_details.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/inventory-items",
        params: &[
            COMPANY_UUID,
            PAGE,
            PER_PAGE,
            ParamSpec {
                name: "country_code",
                location: Location::Query,
                kind: ParamKind::String {
                    min_length: Some(2),
                    max_length: Some(2),
                },
                required: false,
                description: "Only items sold in this marketplace country, as a two-letter ISO \
                    3166-1 code such as US, CA or DE.",
            },
            ParamSpec {
                name: "search",
                location: Location::Query,
                kind: ParamKind::String {
                    min_length: None,
                    max_length: None,
                },
                required: false,
                description: "Free text matched against SKU, ASIN, FNSKU, item ID and name.",
            },
            ParamSpec {
                name: "fnsku",
                location: Location::Query,
                kind: ParamKind::String {
                    min_length: None,
                    max_length: None,
                },
                required: false,
                description: "Only the item with this Amazon fulfillment network SKU (FNSKU).",
            },
            ParamSpec {
                name: "asin",
                location: Location::Query,
                kind: ParamKind::String {
                    min_length: None,
                    max_length: None,
                },
                required: false,
                description: "Only items with this Amazon Standard Identification Number (ASIN).",
            },
            ParamSpec {
                name: "sku",
                location: Location::Query,
                kind: ParamKind::String {
                    min_length: None,
                    max_length: None,
                },
                required: false,
                description: "Only items with this seller SKU.",
            },
        ],
        access: Access::Read,
        summary: Summary::Records {
            singular: "inventory item",
            plural: "inventory items",
        },
    },
    ToolSpec {
        name: "inventory_get_details",
        title: "Get inventory item balances",
        description: "Returns one inventory item with its restock settings (lead times, safety \
            stock, target price, unit costs) and how many units each warehouse holds. Pass \
            `balances_date` to see the balances as they were on a past day. To see everything one \
            warehouse holds instead, use inventory_get_warehouse_balances.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/balances",
        params: &[
            COMPANY_UUID,
            ParamSpec {
                name: "inventoryId",
                location: Location::Path,
                kind: ParamKind::Integer {
                    minimum: Some(1),
                    maximum: None,
                    default: None,
                },
                required: true,
                description: "Numeric `id` of the inventory item, from inventory_list_items.",
            },
            ParamSpec {
                name: "balances_date",
                location: Location::Query,
                kind: ParamKind::Date,
                required: false,
                description: "Day to report balances for, as YYYY-MM-DD. Leave out for today.",
            },
        ],
        access: Access::Read,
        summary: Summary::InventoryBalances,
    },
    ToolSpec {
        name: "inventory_list_warehouses",
        title: "List warehouses",
        description: "Lists a company's warehouses (its own, third-party and Amazon FBA \
            locations) with their `uuid`, name, type and country. Use a warehouse's `uuid` as \
            `warehouseUuid` in inventory_get_warehouse_balances.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/warehouses",
        params: &[
            COMPANY_UUID,
            PAGE,
            PER_PAGE,
            ParamSpec {
                name: "search",
                location: Location::Query,
                kind: ParamKind::String {
                    min_length: None,
                    max_length: None,
                },
                required: false,
                description: "Free text matched against warehouse names.",
            },
        ],
        access: Access::Read,
        summary: Summary::Records {
            singular: "warehouse",
            plural: "warehouses",
        },
    },
    ToolSpec {
        name: "inventory_get_warehouse_balances",
        title: "Get warehouse balances",
        description: "Lists what one warehouse holds: one entry per inventory item with its unit \
            balance, one page at a time. Pass `balances_date` to see a past day. To see one item \
            across every warehouse instead, use inventory_get_details.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/warehouses/{warehouseUuid}/balances",
        params: &[
            COMPANY_UUID,
            ParamSpec {
                name: "warehouseUuid",
                location: Location::Path,
                kind: ParamKind::String {
                    min_length: Some(1),
                    max_length: None,
                },
                required: true,
                description: "The warehouse's `uuid`, from inventory_list_warehouses.",
            },
            PAGE,
            PER_PAGE,
            ParamSpec {
                name: "balances_date",
                location: Location::Query,
                kind: ParamKind::Date,
                required: false,
                description: "Day to report balances for, as YYYY-MM-DD. Leave out for today.",
            },
        ],
        access: Access::Read,
        summary: Summary::Records {
            singular: "inventory balance",
            plural: "inventory balances",
        },
    },
    ToolSpec {
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
            ParamSpec {
                name: "start_date",
                location: Location::Query,
                kind: ParamKind::Date,
                required: true,
                description: "First day of the range, as YYYY-MM-DD.",
            },
            ParamSpec {
                name: "end_date",
                location: Location::Query,
                kind: ParamKind::Date,
                required: false,
                description: "Last day of the range, as YYYY-MM-DD. Leave out for today.",
            },
            ParamSpec {
                name: "periodicity",
                location: Location::Query,
                kind: ParamKind::Enum {
                    values: &["total", "yearly", "quarterly", "monthly"],
                    default: Some("total"),
                },
                required: false,
                description: "How to split the range: one total, or one row per year, quarter or \
                    month.",
            },
            // NOTE: list parameters are sent as `name=a&name=b`, the form
            // style with explode that NeonPanel's OpenAPI document declares.
            // PHP back ends often expect `name[]=a` instead; check this
            // against the live API before relying on filters with two or more values.
            ParamSpec {
                name: "grouping",
                location: Location::Query,
                kind: ParamKind::StringList {
                    values: Some(&["company", "country", "invoice"]),
                },
                required: false,
                description: "Dimensions to break the amounts down by. Leave out to group by \
                    company.",
            },
            ParamSpec {
                name: "company_uuids",
                location: Location::Query,
                kind: ParamKind::StringList { values: None },
                required: false,
                description: "Only these companies, by `uuid` from account_list_companies. Leave \
                    out for every accessible company.",
            },
            ParamSpec {
                name: "country_codes",
                location: Location::Query,
                kind: ParamKind::StringList { values: None },
                required: false,
                description: "Only these marketplace countries, as two-letter ISO 3166-1 codes. \
                    Leave out for every marketplace.",
            },
        ],
        access: Access::Read,
        summary: Summary::Records {
            singular: "revenue and COGS row",
            plural: "revenue and COGS rows",
        },
    },
];

const COMPANY_UUID: ParamSpec = ParamSpec {
    name: "companyUuid",
    location: Location::Path,
    kind: ParamKind::String {
        min_length: Some(1),
        max_length: None,
    },
    required: true,
    description: "The company's `uuid` from account_list_companies (not its numeric `id`).",
};

const PAGE: ParamSpec = ParamSpec {
    name: "page",
    location: Location::Query,
    kind: ParamKind::Integer {
        minimum: Some(1),
        maximum: None,
        default: Some(1),
    },
    required: false,
    description: "Page number, starting at 1. The result's `last_page` says how many pages exist.",
};

const PER_PAGE: ParamSpec = ParamSpec {
    name: "per_page",
    location: Location::Query,
    kind: ParamKind::Integer {
        minimum: Some(10),
        maximum: Some(60),
        default: Some(30),
    },
    required: false,
    description: "Records per page, from 10 to 60.",
};
