//! Warehouses, inventory items, products and Amazon listings.

use super::{COMPANY_UUID, COUNTRY, ID, NON_EMPTY, PAGE, PER_PAGE, TEXT};
use crate::tools::spec::{HttpMethod, Output, ParamKind, ParamSpec, Summary, ToolSpec};

const INVENTORY_ID: ParamSpec = ParamSpec::path(
    "inventoryId",
    ID,
    "Numeric `id` of the inventory item, from inventory_list_items.",
);

const BALANCES_DATE: ParamSpec = ParamSpec::query(
    "balances_date",
    ParamKind::Date,
    "Day to report balances for, as YYYY-MM-DD. Leave out for today.",
);

const NUMBER: ParamKind = ParamKind::Number;

/// Restock planning values of an inventory item.
const RESTOCK_FIELDS: &[ParamSpec] = &[
    ParamSpec::body("daily_sales_target", NUMBER, "Target units sold per day."),
    ParamSpec::body(
        "unit_vendor_price",
        NUMBER,
        "Price paid to the vendor per unit.",
    ),
    ParamSpec::body(
        "unit_landed_cost",
        NUMBER,
        "Cost per unit once delivered: vendor price plus freight, duties and fees.",
    ),
    ParamSpec::body(
        "estimated_daily_sales",
        NUMBER,
        "Expected units sold per day.",
    ),
    ParamSpec::body(
        "estimated_price",
        NUMBER,
        "Expected selling price per unit.",
    ),
    ParamSpec::body(
        "lead_time_days",
        NUMBER,
        "Days from placing a purchase order to receiving the goods.",
    ),
    ParamSpec::body(
        "safety_stock_days",
        NUMBER,
        "Days of sales kept as safety stock.",
    ),
    ParamSpec::body(
        "fba_lead_time_days",
        NUMBER,
        "Days from shipping to Amazon FBA until the units can be sold.",
    ),
    ParamSpec::body(
        "fba_safety_stock_days",
        NUMBER,
        "Days of sales kept as safety stock at Amazon FBA.",
    ),
    ParamSpec::body("target_fba_fee", NUMBER, "Target Amazon FBA fee per unit."),
    ParamSpec::body("target_price", NUMBER, "Target selling price per unit."),
    ParamSpec::body(
        "target_referral_percentage",
        NUMBER,
        "Target Amazon referral fee, in percent of the price.",
    ),
    ParamSpec::body(
        "daily_unit_sales_target",
        NUMBER,
        "Target units sold per day.",
    ),
];

/// Body of inventory item creation and update.
const ITEM_FIELDS: [ParamSpec; 8] = [
    ParamSpec::body(
        "country_code",
        COUNTRY,
        "Marketplace country of the item, as a two-letter ISO 3166-1 code such as US or DE.",
    ),
    ParamSpec::body("source", TEXT, "Where the item is sold, such as amazon."),
    ParamSpec::body("fnsku", TEXT, "Amazon fulfillment network SKU (FNSKU)."),
    ParamSpec::body(
        "variation",
        TEXT,
        "Variation label, such as a size or colour.",
    ),
    ParamSpec::body(
        "manager_id",
        ID,
        "Numeric id of the user who manages the item.",
    ),
    ParamSpec::body(
        "listing_id",
        ID,
        "Numeric `id` of the listing the item sells through, from \
         inventory_get_listing_details_by_asin.",
    ),
    ParamSpec::body(
        "product_id",
        ID,
        "Numeric `id` of the product the item belongs to, from inventory_list_products.",
    ),
    ParamSpec::body(
        "restock_data",
        ParamKind::Object {
            fields: RESTOCK_FIELDS,
        },
        "Restock planning values; give only those to set.",
    ),
];

const PRODUCT_ID: ParamSpec = ParamSpec::path(
    "productId",
    ID,
    "Numeric `id` of the product, from inventory_list_products.",
);

const PRODUCT_SKU: ParamSpec = ParamSpec::body("sku", NON_EMPTY, "The product's SKU.");
const PRODUCT_NAME: ParamSpec = ParamSpec::body("name", NON_EMPTY, "The product's name.");
const PRODUCT_PARENT_SKU: ParamSpec = ParamSpec::body(
    "parent_sku",
    TEXT,
    "SKU of the parent product that groups variations.",
);
const PRODUCT_IMAGE: ParamSpec = ParamSpec::body("image", TEXT, "URL of the product's main image.");
const PRODUCT_WEIGHT: ParamSpec = ParamSpec::body("weight", NUMBER, "Unit weight.");
const PRODUCT_LENGTH: ParamSpec = ParamSpec::body("length", NUMBER, "Unit length.");
const PRODUCT_HEIGHT: ParamSpec = ParamSpec::body("height", NUMBER, "Unit height.");
const PRODUCT_DEPTH: ParamSpec = ParamSpec::body("depth", NUMBER, "Unit depth.");

pub(super) static TOOLS: &[ToolSpec] = &[
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
            ParamSpec::query("search", TEXT, "Free text matched against warehouse names."),
        ],
        summary: Summary::Records {
            singular: "warehouse",
            plural: "warehouses",
        },
        output: Output::Page,
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
            ParamSpec::path(
                "warehouseUuid",
                NON_EMPTY,
                "The warehouse's `uuid`, from inventory_list_warehouses.",
            ),
            PAGE,
            PER_PAGE,
            BALANCES_DATE,
        ],
        summary: Summary::Records {
            singular: "inventory balance",
            plural: "inventory balances",
        },
        output: Output::Page,
    },
    ToolSpec {
        name: "inventory_list_items",
        title: "List inventory items",
        description: "Lists a company's inventory items (products per marketplace) with their \
            numeric `id`, name, SKU, ASIN, FNSKU, marketplace country and dimensions. Filter with \
            `search` (matches SKU, ASIN, FNSKU, ID or name) or the exact `sku`, `asin`, `fnsku` and \
            `country_code` filters. Use an item's `id` as `inventoryId` in inventory_get_details \
            and inventory_get_item.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/inventory-items",
        params: &[
            COMPANY_UUID,
            PAGE,
            PER_PAGE,
            ParamSpec::query(
                "country_code",
                COUNTRY,
                "Only items sold in this marketplace country, as a two-letter ISO 3166-1 code \
                 such as US, CA or DE.",
            ),
            ParamSpec::query(
                "search",
                TEXT,
                "Free text matched against SKU, ASIN, FNSKU, item ID and name.",
            ),
            ParamSpec::query(
                "fnsku",
                TEXT,
                "Only the item with this Amazon fulfillment network SKU (FNSKU).",
            ),
            ParamSpec::query(
                "asin",
                TEXT,
                "Only items with this Amazon Standard Identification Number (ASIN).",
            ),
            ParamSpec::query("sku", TEXT, "Only items with this seller SKU."),
        ],
        summary: Summary::Records {
            singular: "inventory item",
            plural: "inventory items",
        },
        output: Output::Page,
    },
    ToolSpec {
        name: "inventory_create_item",
        title: "Create inventory item",
        description: "Creates an inventory item in a company and returns it with its manager, \
            product and listing. Link it to a product (inventory_list_products) and a listing \
            (inventory_get_listing_details_by_asin) by their numeric ids.",
        method: HttpMethod::Post,
        path: "/api/v1/companies/{companyUuid}/inventory-items",
        params: &[
            COMPANY_UUID,
            ITEM_FIELDS[0],
            ITEM_FIELDS[1],
            ITEM_FIELDS[2],
            ITEM_FIELDS[3],
            ITEM_FIELDS[4],
            ITEM_FIELDS[5],
            ITEM_FIELDS[6],
            ITEM_FIELDS[7],
        ],
        summary: Summary::Record {
            noun: "inventory item",
        },
        output: Output::Object,
    },
    ToolSpec {
        name: "inventory_get_item",
        title: "Get inventory item",
        description: "Returns one inventory item in full: marketplace, FNSKU, variation, its \
            manager, product and listing, and its restock planning values. For stock per \
            warehouse, use inventory_get_details.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}",
        params: &[COMPANY_UUID, INVENTORY_ID],
        summary: Summary::Record {
            noun: "inventory item",
        },
        output: Output::Object,
    },
    ToolSpec {
        name: "inventory_update_item",
        title: "Update inventory item",
        description: "Changes an inventory item and returns it. Only the fields given change; \
            each replaces the stored value.",
        method: HttpMethod::Put,
        path: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}",
        params: &[
            COMPANY_UUID,
            INVENTORY_ID,
            ITEM_FIELDS[0],
            ITEM_FIELDS[1],
            ITEM_FIELDS[2],
            ITEM_FIELDS[3],
            ITEM_FIELDS[4],
            ITEM_FIELDS[5],
            ITEM_FIELDS[6],
            ITEM_FIELDS[7],
        ],
        summary: Summary::Record {
            noun: "inventory item",
        },
        output: Output::Object,
    },
    ToolSpec {
        name: "inventory_delete_item",
        title: "Delete inventory item",
        description: "Deletes an inventory item for good. Confirm with the person first: its \
            history can no longer be reported on through this item.",
        method: HttpMethod::Delete,
        path: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}",
        params: &[COMPANY_UUID, INVENTORY_ID],
        summary: Summary::Fixed("the inventory item was deleted"),
        output: Output::Object,
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
        params: &[COMPANY_UUID, INVENTORY_ID, BALANCES_DATE],
        summary: Summary::InventoryBalances,
        output: Output::Object,
    },
    ToolSpec {
        name: "inventory_list_products",
        title: "List products",
        description: "Lists a company's products (the catalogue entries that inventory items of \
            each marketplace belong to) with `id`, SKU, parent SKU, name, image and dimensions. \
            Filter with `search` (SKU, name or parent SKU), the exact `sku`, or one product's \
            `id`.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/products",
        // NOTE: NeonPanel's document declares these filters as a JSON body
        // of this GET, yet describes them as query parameters; many HTTP
        // intermediaries drop GET bodies, so they go in the query string.
        params: &[
            COMPANY_UUID,
            ParamSpec::query("id", ID, "Only the product with this numeric `id`."),
            ParamSpec::query("sku", TEXT, "Only the product with exactly this SKU."),
            ParamSpec::query(
                "search",
                TEXT,
                "Free text matched against SKU, name and parent SKU.",
            ),
        ],
        summary: Summary::Records {
            singular: "product",
            plural: "products",
        },
        output: Output::Page,
    },
    ToolSpec {
        name: "inventory_create_product",
        title: "Create product",
        description: "Creates a product in a company's catalogue and returns it with its `id`. \
            Inventory items then link to it through `product_id`.",
        method: HttpMethod::Post,
        path: "/api/v1/companies/{companyUuid}/products",
        params: &[
            COMPANY_UUID,
            PRODUCT_SKU.required(),
            PRODUCT_NAME.required(),
            PRODUCT_PARENT_SKU,
            PRODUCT_IMAGE,
            PRODUCT_WEIGHT,
            PRODUCT_LENGTH,
            PRODUCT_HEIGHT,
            PRODUCT_DEPTH,
        ],
        summary: Summary::Record { noun: "product" },
        output: Output::Object,
    },
    ToolSpec {
        name: "inventory_update_product",
        title: "Update product",
        description: "Changes a product and returns it. Only the fields given change; each \
            replaces the stored value.",
        method: HttpMethod::Put,
        path: "/api/v1/companies/{companyUuid}/products/{productId}",
        params: &[
            COMPANY_UUID,
            PRODUCT_ID,
            PRODUCT_SKU,
            PRODUCT_NAME,
            PRODUCT_PARENT_SKU,
            PRODUCT_IMAGE,
            PRODUCT_WEIGHT,
            PRODUCT_LENGTH,
            PRODUCT_HEIGHT,
            PRODUCT_DEPTH,
        ],
        summary: Summary::Record { noun: "product" },
        output: Output::Object,
    },
    ToolSpec {
        name: "inventory_delete_product",
        title: "Delete product",
        description: "Deletes a product from the catalogue for good. Confirm with the person \
            first. NeonPanel refuses (403) when the product may not be deleted.",
        method: HttpMethod::Delete,
        path: "/api/v1/companies/{companyUuid}/products/{productId}",
        params: &[COMPANY_UUID, PRODUCT_ID],
        summary: Summary::Fixed("the product was deleted"),
        output: Output::Object,
    },
    ToolSpec {
        name: "inventory_get_listing_details_by_asin",
        title: "Find listings",
        description: "Lists a company's marketplace listings (the offers that sell inventory \
            items) with `id`, ASIN, parent ASIN, title, brand, colour, image and bullet points. \
            Pass `asin` for one product's listing, `search` to match ASIN or title, or `id`. To \
            refresh a listing from Amazon first, call inventory_sync_listing with its `id`.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/listings",
        // NOTE: sent as query parameters, for the reason given on products.
        params: &[
            COMPANY_UUID,
            ParamSpec::query("asin", TEXT, "Only the listing with exactly this ASIN."),
            ParamSpec::query("search", TEXT, "Free text matched against ASIN and title."),
            ParamSpec::query("id", ID, "Only the listing with this numeric `id`."),
        ],
        summary: Summary::Records {
            singular: "listing",
            plural: "listings",
        },
        output: Output::Page,
    },
    ToolSpec {
        name: "inventory_sync_listing",
        title: "Sync listing from Amazon",
        description: "Fetches a listing's current title, brand, images and bullet points from \
            Amazon, stores them in NeonPanel and returns the listing. Get the listing `id` from \
            inventory_get_listing_details_by_asin.",
        method: HttpMethod::Post,
        path: "/api/v1/companies/{companyUuid}/listings/{listingId}/sync",
        params: &[
            COMPANY_UUID,
            ParamSpec::path(
                "listingId",
                ID,
                "Numeric `id` of the listing, from inventory_get_listing_details_by_asin.",
            ),
        ],
        summary: Summary::Record { noun: "listing" },
        output: Output::Object,
    },
];
