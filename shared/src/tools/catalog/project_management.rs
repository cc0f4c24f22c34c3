//! Documents of NeonPanel's project management: inventory orders, bills,
//! payment requests, assembly orders, invoices, shipments and adjustments,
//! with the vendors, services, payment terms and sales channels they refer
//! to.
//!
//! Every dated document respects the company's Entry Locked Date: NeonPanel
//! refuses (HTTP 400) to create, change or delete documents dated before it.

use super::{COMPANY_UUID, COUNTRY, CURRENCY, END_DATE, ID, INTEGER, QUANTITY, START_DATE, TEXT};
use crate::tools::spec::{HttpMethod, Output, ParamKind, ParamSpec, Summary, ToolSpec};

const NUMBER: ParamKind = ParamKind::Number;

const SEARCH: ParamSpec = ParamSpec::query(
    "search",
    TEXT,
    "Free text matched against the document's name and reference number.",
);
const WAREHOUSES: ParamSpec = ParamSpec::query(
    "warehouses",
    ParamKind::IntegerList,
    "Only documents of these warehouses, by numeric warehouse `id` (the `id` inside the \
     `warehouse` object of documents).",
);
const VENDORS: ParamSpec = ParamSpec::query(
    "vendors",
    ParamKind::IntegerList,
    "Only documents of these vendors, by numeric `id` from project_management_list_vendors.",
);
const LOOKUP_PER_PAGE: ParamSpec = ParamSpec::query(
    "per_page",
    ParamKind::Integer {
        minimum: Some(1),
        maximum: None,
        default: None,
    },
    "Records per page.",
);

const NAME: ParamSpec = ParamSpec::body("name", TEXT, "Display name of the document.");
const REF_NUMBER: ParamSpec = ParamSpec::body(
    "ref_number",
    TEXT,
    "The document's reference number, such as a PO or invoice number. It cannot be changed \
     later.",
);
const MARKET: ParamSpec = ParamSpec::body(
    "market",
    COUNTRY,
    "Marketplace country, as a two-letter ISO 3166-1 code such as US.",
);
const DOCUMENT_CURRENCY: ParamSpec = ParamSpec::body(
    "currency",
    CURRENCY,
    "Currency of the amounts, as a three-letter ISO 4217 code such as USD.",
);
const VENDOR_ID: ParamSpec = ParamSpec::body(
    "vendor_id",
    ID,
    "Numeric `id` of the vendor, from project_management_list_vendors.",
);
const WAREHOUSE_ID: ParamSpec = ParamSpec::body(
    "warehouse_id",
    ID,
    "Numeric `id` of the warehouse (the `id` inside the `warehouse` object of documents).",
);
const PAYMENT_TERM_ID: ParamSpec = ParamSpec::body(
    "payment_term_id",
    ID,
    "Numeric `id` of the payment terms, from project_management_list_payment_terms. NeonPanel \
     then creates the payment requests (installments) these terms call for.",
);

// Inventory orders.

const ORDER_ID: ParamSpec = ParamSpec::path(
    "orderId",
    ID,
    "Numeric `id` of the inventory order, from project_management_list_inventory_orders.",
);
const ORDER_DATE_PLACED: ParamSpec = ParamSpec::body(
    "date_order_placed",
    ParamKind::Date,
    "Day the purchase order was placed, as YYYY-MM-DD.",
);
const ORDER_DATE_COMPLETED: ParamSpec = ParamSpec::body(
    "date_manufacturing_completed",
    ParamKind::Date,
    "Day manufacturing finished and the goods were received, as YYYY-MM-DD.",
);
const ORDER_DETAILS: ParamSpec = ParamSpec::body(
    "details",
    ParamKind::ObjectList {
        fields: &[
            ParamSpec::body(
                "inventory_id",
                ID,
                "Numeric `id` of the inventory item, from inventory_list_items.",
            )
            .required(),
            ParamSpec::body("quantity", QUANTITY, "Units ordered.").required(),
            ParamSpec::body("price", NUMBER, "Price per unit in the order's currency.").required(),
        ],
    },
    "Line items. When given, they replace every existing line of the order, so send the \
     complete list.",
);

// Bills.

const BILL_ID: ParamSpec = ParamSpec::path(
    "billId",
    ID,
    "Numeric `id` of the bill, from project_management_list_bills.",
);
const BILL_DATE: ParamSpec = ParamSpec::body("date", ParamKind::Date, "Bill date, as YYYY-MM-DD.");
const BILL_DOCUMENTS: ParamSpec = ParamSpec::body(
    "documents",
    ParamKind::ObjectList {
        fields: &[
            ParamSpec::body(
                "type",
                ParamKind::Enum {
                    values: &["InventoryOrder", "AssemblyOrder", "Shipment", "Invoice"],
                    default: None,
                },
                "Kind of the linked document.",
            )
            .required(),
            ParamSpec::body("id", ID, "Numeric `id` of the linked document.").required(),
        ],
    },
    "Documents the bill pays for, such as the inventory order it belongs to.",
);
const BILL_DETAILS: ParamSpec = ParamSpec::body(
    "details",
    ParamKind::ObjectList {
        fields: &[
            ParamSpec::body(
                "service_id",
                ID,
                "Numeric `id` of the service billed, from project_management_list_services.",
            )
            .required(),
            ParamSpec::body("quantity", QUANTITY, "Units billed.").required(),
            ParamSpec::body("rate", NUMBER, "Price per unit in the bill's currency.").required(),
        ],
    },
    "Line items. When given, they replace every existing line of the bill, so send the \
     complete list.",
);

// Payment requests.

const PAYMENT_ID: ParamSpec = ParamSpec::path(
    "paymentId",
    ID,
    "Numeric `id` of the payment request, from project_management_list_payment_requests.",
);

// Assembly orders.

const ASSEMBLY_ORDER_ID: ParamSpec = ParamSpec::path(
    "orderId",
    ID,
    "Numeric `id` of the assembly order, from project_management_list_assembly_orders.",
);
const ASSEMBLY_DATE: ParamSpec = ParamSpec::body(
    "date_order_assembled",
    ParamKind::Date,
    "Day the assembly was finished, as YYYY-MM-DD.",
);
const ASSEMBLY_ITEMS: ParamSpec = ParamSpec::body(
    "items",
    ParamKind::ObjectList {
        fields: &[
            ParamSpec::body("assembly_id", ID, "Numeric `id` of the assembly to build.").required(),
            ParamSpec::body("quantity", QUANTITY, "Units to assemble.").required(),
        ],
    },
    "Line items. When given, they replace every existing line of the order, so send the \
     complete list.",
);

// Invoices.

const INVOICE_ID: ParamSpec = ParamSpec::path(
    "invoiceId",
    ID,
    "Numeric `id` of the invoice, from project_management_list_invoices.",
);
const INVOICE_DATE: ParamSpec = ParamSpec::body(
    "transaction_date",
    ParamKind::Date,
    "Day of the sale, as YYYY-MM-DD.",
);
const CUSTOMER_ID: ParamSpec = ParamSpec::body(
    "customer_id",
    ID,
    "Numeric `id` of the customer. NeonPanel has no customer list yet, so take it from the \
     `customer` of an invoice already read.",
);
const SALES_CHANNEL_ID: ParamSpec = ParamSpec::body(
    "sales_channel_id",
    ID,
    "Numeric `id` of the sales channel, from project_management_list_sales_channels.",
);
const INVOICE_DETAILS: ParamSpec = ParamSpec::body(
    "details",
    ParamKind::ObjectList {
        fields: &[
            ParamSpec::body(
                "inventory_id",
                ID,
                "Numeric `id` of the inventory item sold; leave out for fees and other \
                 service-only lines.",
            ),
            ParamSpec::body(
                "service_id",
                ID,
                "Numeric `id` of the service, from project_management_list_services; needed \
                 on every line.",
            )
            .required(),
            ParamSpec::body(
                "quantity",
                INTEGER,
                "Units: positive for a sale, negative for a return.",
            )
            .required(),
            ParamSpec::body(
                "amount",
                NUMBER,
                "Total of the line, not a unit price. The invoice total becomes the sum of \
                 the lines.",
            )
            .required(),
        ],
    },
    "Line items. When given, they replace every existing line of the invoice, so send the \
     complete list.",
);

// Shipments.

const SHIPMENT_ID: ParamSpec = ParamSpec::path(
    "shipmentId",
    ID,
    "Numeric `id` of the shipment, from project_management_list_shipments.",
);
const SHIPMENT_FIELDS: [ParamSpec; 9] = [
    ParamSpec::body(
        "date_shipment_sent",
        ParamKind::Date,
        "Day the shipment left, as YYYY-MM-DD.",
    ),
    ParamSpec::body(
        "date_shipment_arrived",
        ParamKind::Date,
        "Day the shipment arrived, as YYYY-MM-DD.",
    ),
    ParamSpec::body(
        "origin_market",
        COUNTRY,
        "Marketplace country it leaves from, as a two-letter ISO 3166-1 code.",
    ),
    ParamSpec::body(
        "destination_market",
        COUNTRY,
        "Marketplace country it goes to, as a two-letter ISO 3166-1 code.",
    ),
    ParamSpec::body(
        "origin_warehouse_id",
        ID,
        "Numeric `id` of the warehouse it leaves from.",
    ),
    ParamSpec::body(
        "destination_warehouse_id",
        ID,
        "Numeric `id` of the warehouse it goes to.",
    ),
    ParamSpec::body("tracking_number", TEXT, "The carrier's tracking number."),
    ParamSpec::body(
        "shipment_method",
        ParamKind::Enum {
            values: &["LTL", "FTL", "SPD"],
            default: None,
        },
        "LTL (less than truckload), FTL (full truckload) or SPD (small parcel delivery).",
    ),
    ParamSpec::body(
        "items",
        ParamKind::ObjectList {
            fields: &[
                ParamSpec::body(
                    "origin_inventory_id",
                    ID,
                    "Numeric `id` of the inventory item at the origin warehouse.",
                )
                .required(),
                ParamSpec::body("quantity_shipped", QUANTITY, "Units sent.").required(),
                ParamSpec::body("quantity_received", QUANTITY, "Units that arrived.").required(),
            ],
        },
        "Line items. When given, they replace every existing line of the shipment, so send \
         the complete list.",
    ),
];

// Adjustments.

const ADJUSTMENT_ID: ParamSpec = ParamSpec::path(
    "adjustmentId",
    ID,
    "Numeric `id` of the adjustment, from project_management_list_adjustments.",
);
const ADJUSTMENT_DATE: ParamSpec = ParamSpec::body(
    "date",
    ParamKind::Date,
    "Day of the adjustment, as YYYY-MM-DD.",
);
const ADJUSTMENT_REASON: ParamSpec = ParamSpec::body(
    "reason",
    TEXT,
    "Why stock changed, such as Damaged, Misplaced or Administrative Errors.",
);
const ADJUSTMENT_DETAILS: ParamSpec = ParamSpec::body(
    "details",
    ParamKind::ObjectList {
        fields: &[
            ParamSpec::body(
                "inventory_id",
                ID,
                "Numeric `id` of the inventory item, from inventory_list_items.",
            )
            .required(),
            ParamSpec::body(
                "service_id",
                ID,
                "Numeric `id` of the service, from project_management_list_services.",
            )
            .required(),
            ParamSpec::body("quantity", QUANTITY, "Units removed from stock.").required(),
            ParamSpec::body(
                "rate",
                NUMBER,
                "Cost per unit; the line amount is quantity times rate.",
            )
            .required(),
        ],
    },
    "Line items. When given, they replace every existing line of the adjustment, so send the \
     complete list.",
);

/// A list tool over one document kind.
const fn list(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    path: &'static str,
    params: &'static [ParamSpec],
    singular: &'static str,
    plural: &'static str,
) -> ToolSpec {
    ToolSpec {
        name,
        title,
        description,
        method: HttpMethod::Get,
        path,
        params,
        summary: Summary::Records { singular, plural },
        output: Output::Page,
    }
}

/// A tool that reads, creates or updates one document.
const fn record(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    method: HttpMethod,
    path: &'static str,
    params: &'static [ParamSpec],
    noun: &'static str,
) -> ToolSpec {
    ToolSpec {
        name,
        title,
        description,
        method,
        path,
        params,
        summary: Summary::Record { noun },
        output: Output::Object,
    }
}

const ORDERS: &str = "/api/v1/companies/{companyUuid}/inventory-orders";
const ORDER: &str = "/api/v1/companies/{companyUuid}/inventory-orders/{orderId}";
const BILLS: &str = "/api/v1/companies/{companyUuid}/bills";
const BILL: &str = "/api/v1/companies/{companyUuid}/bills/{billId}";
const ASSEMBLY_ORDERS: &str = "/api/v1/companies/{companyUuid}/assembly-orders";
const ASSEMBLY_ORDER: &str = "/api/v1/companies/{companyUuid}/assembly-orders/{orderId}";
const INVOICES: &str = "/api/v1/companies/{companyUuid}/invoices";
const INVOICE: &str = "/api/v1/companies/{companyUuid}/invoices/{invoiceId}";
const SHIPMENTS: &str = "/api/v1/companies/{companyUuid}/shipments";
const SHIPMENT: &str = "/api/v1/companies/{companyUuid}/shipments/{shipmentId}";
const ADJUSTMENTS: &str = "/api/v1/companies/{companyUuid}/adjustments";
const ADJUSTMENT: &str = "/api/v1/companies/{companyUuid}/adjustments/{adjustmentId}";

pub(super) static TOOLS: &[ToolSpec] = &[
    list(
        "project_management_list_inventory_orders",
        "List inventory orders",
        "Lists a company's inventory (purchase) orders, newest first, with reference number, \
         dates, vendor, warehouse, total and a link to the order in NeonPanel. Filter by text, \
         warehouses, vendors and order date.",
        ORDERS,
        &[
            COMPANY_UUID,
            SEARCH,
            WAREHOUSES,
            VENDORS,
            START_DATE,
            END_DATE,
        ],
        "inventory order",
        "inventory orders",
    ),
    record(
        "project_management_get_inventory_orders",
        "Get inventory order",
        "Returns one inventory order with its line items (inventory item, quantity, unit price), \
         vendor, warehouse, payment terms and payment requests.",
        HttpMethod::Get,
        ORDER,
        &[COMPANY_UUID, ORDER_ID],
        "inventory order",
    ),
    record(
        "project_management_create_inventory_orders",
        "Create inventory order",
        "Creates an inventory (purchase) order and returns it. Look up the vendor with \
         project_management_list_vendors, the items with inventory_list_items and the payment \
         terms with project_management_list_payment_terms.",
        HttpMethod::Post,
        ORDERS,
        &[
            COMPANY_UUID,
            REF_NUMBER,
            NAME,
            ORDER_DATE_PLACED,
            ORDER_DATE_COMPLETED,
            MARKET,
            DOCUMENT_CURRENCY,
            VENDOR_ID,
            WAREHOUSE_ID,
            PAYMENT_TERM_ID,
            ORDER_DETAILS,
        ],
        "inventory order",
    ),
    record(
        "project_management_update_inventory_orders",
        "Update inventory order",
        "Changes an inventory order and returns it. Only the fields given change; `details` \
         replaces every line item. The reference number cannot change.",
        HttpMethod::Put,
        ORDER,
        &[
            COMPANY_UUID,
            ORDER_ID,
            NAME,
            ORDER_DATE_PLACED,
            ORDER_DATE_COMPLETED,
            MARKET,
            DOCUMENT_CURRENCY,
            VENDOR_ID,
            WAREHOUSE_ID,
            PAYMENT_TERM_ID,
            ORDER_DETAILS,
        ],
        "inventory order",
    ),
    list(
        "project_management_list_bills",
        "List bills",
        "Lists a company's bills (vendor invoices for goods and services), newest first, with \
         reference number, date, vendor, amount and a link to the bill in NeonPanel. Filter by \
         text, vendors and bill date.",
        BILLS,
        &[COMPANY_UUID, SEARCH, VENDORS, START_DATE, END_DATE],
        "bill",
        "bills",
    ),
    record(
        "project_management_get_bills",
        "Get bill",
        "Returns one bill with its line items (service, quantity, rate), linked documents, \
         vendor, payment terms and payment requests.",
        HttpMethod::Get,
        BILL,
        &[COMPANY_UUID, BILL_ID],
        "bill",
    ),
    record(
        "project_management_create_bills",
        "Create bill",
        "Creates a bill and returns it. Line items name services from \
         project_management_list_services; link the inventory order it pays for in `documents`.",
        HttpMethod::Post,
        BILLS,
        &[
            COMPANY_UUID,
            REF_NUMBER,
            NAME,
            BILL_DATE,
            MARKET,
            DOCUMENT_CURRENCY,
            VENDOR_ID,
            PAYMENT_TERM_ID,
            BILL_DOCUMENTS,
            BILL_DETAILS,
        ],
        "bill",
    ),
    record(
        "project_management_update_bills",
        "Update bill",
        "Changes a bill and returns it. Only the fields given change; `details` replaces every \
         line item. The reference number cannot change.",
        HttpMethod::Put,
        BILL,
        &[
            COMPANY_UUID,
            BILL_ID,
            NAME,
            BILL_DATE,
            MARKET,
            DOCUMENT_CURRENCY,
            VENDOR_ID,
            PAYMENT_TERM_ID,
            BILL_DOCUMENTS,
            BILL_DETAILS,
        ],
        "bill",
    ),
    list(
        "project_management_list_payment_requests",
        "List payment requests",
        "Lists a company's payment requests: the installments owed on orders and bills, with \
         amount due, amount paid, due date and payment date. Filter by due date.",
        "/api/v1/companies/{companyUuid}/payment-requests",
        &[COMPANY_UUID, START_DATE, END_DATE],
        "payment request",
        "payment requests",
    ),
    record(
        "project_management_update_payment_request",
        "Record payment",
        "Records a payment against a payment request (amount paid, payment date, transaction \
         number, memo) and returns it with its document. Only the fields given change.",
        HttpMethod::Put,
        "/api/v1/companies/{companyUuid}/payment-requests/{paymentId}",
        &[
            COMPANY_UUID,
            PAYMENT_ID,
            ParamSpec::body(
                "paid_amount",
                NUMBER,
                "Amount paid, in the request's currency.",
            ),
            ParamSpec::body(
                "payment_date",
                ParamKind::Date,
                "Day of payment, as YYYY-MM-DD.",
            ),
            ParamSpec::body(
                "transaction_number",
                ParamKind::String {
                    min_length: None,
                    max_length: Some(255),
                },
                "Bank or payment provider reference, up to 255 characters.",
            ),
            ParamSpec::body(
                "memo",
                ParamKind::String {
                    min_length: None,
                    max_length: Some(255),
                },
                "Note on the payment, up to 255 characters.",
            ),
        ],
        "payment request",
    ),
    list(
        "project_management_list_vendors",
        "List vendors",
        "Lists a company's vendors (suppliers) with numeric `id`, name, code and default payment \
         terms. Use an `id` as `vendor_id` on orders and bills.",
        "/api/v1/companies/{companyUuid}/vendors",
        &[
            COMPANY_UUID,
            ParamSpec::query("search", TEXT, "Free text matched against vendor names."),
            LOOKUP_PER_PAGE,
        ],
        "vendor",
        "vendors",
    ),
    list(
        "project_management_list_assembly_orders",
        "List assembly orders",
        "Lists a company's assembly orders (kits or bundles built from components), newest \
         first, with reference number, date, warehouse and a link in NeonPanel. Filter by text, \
         warehouses and assembly date.",
        ASSEMBLY_ORDERS,
        &[COMPANY_UUID, SEARCH, WAREHOUSES, START_DATE, END_DATE],
        "assembly order",
        "assembly orders",
    ),
    record(
        "project_management_get_assembly_orders",
        "Get assembly order",
        "Returns one assembly order with its items and warehouse.",
        HttpMethod::Get,
        ASSEMBLY_ORDER,
        &[COMPANY_UUID, ASSEMBLY_ORDER_ID],
        "assembly order",
    ),
    record(
        "project_management_create_assembly_orders",
        "Create assembly order",
        "Creates an assembly order and returns it. The assembly date must not fall before the \
         company's Entry Locked Date.",
        HttpMethod::Post,
        ASSEMBLY_ORDERS,
        &[
            COMPANY_UUID,
            REF_NUMBER.required(),
            NAME,
            ASSEMBLY_DATE,
            MARKET,
            WAREHOUSE_ID,
            ASSEMBLY_ITEMS,
        ],
        "assembly order",
    ),
    record(
        "project_management_update_assembly_orders",
        "Update assembly order",
        "Changes an assembly order and returns it. Only the fields given change; `items` \
         replaces every line item. The reference number cannot change.",
        HttpMethod::Put,
        ASSEMBLY_ORDER,
        &[
            COMPANY_UUID,
            ASSEMBLY_ORDER_ID,
            NAME,
            ASSEMBLY_DATE,
            MARKET,
            WAREHOUSE_ID,
            ASSEMBLY_ITEMS,
        ],
        "assembly order",
    ),
    list(
        "project_management_list_invoices",
        "List invoices",
        "Lists a company's sales invoices, newest first, with reference number, date, market, \
         amount, customer, sales channel and a link in NeonPanel. Filter by text and date.",
        INVOICES,
        &[COMPANY_UUID, SEARCH, START_DATE, END_DATE],
        "invoice",
        "invoices",
    ),
    record(
        "project_management_get_invoices",
        "Get invoice",
        "Returns one invoice with its lines (inventory item, service, quantity, amount), \
         customer, warehouse and sales channel.",
        HttpMethod::Get,
        INVOICE,
        &[COMPANY_UUID, INVOICE_ID],
        "invoice",
    ),
    record(
        "project_management_create_invoices",
        "Create invoice",
        "Creates a manual sales invoice and returns it. Every line needs a service from \
         project_management_list_services; lines that sell stock also name the inventory item.",
        HttpMethod::Post,
        INVOICES,
        &[
            COMPANY_UUID,
            REF_NUMBER.required(),
            NAME,
            INVOICE_DATE,
            MARKET,
            DOCUMENT_CURRENCY,
            WAREHOUSE_ID,
            CUSTOMER_ID,
            SALES_CHANNEL_ID,
            INVOICE_DETAILS,
        ],
        "invoice",
    ),
    record(
        "project_management_update_invoices",
        "Update invoice",
        "Changes an invoice and returns it. Only the fields given change; `details` replaces \
         every line and recomputes the total. The reference number cannot change.",
        HttpMethod::Put,
        INVOICE,
        &[
            COMPANY_UUID,
            INVOICE_ID,
            NAME,
            INVOICE_DATE,
            MARKET,
            DOCUMENT_CURRENCY,
            WAREHOUSE_ID,
            CUSTOMER_ID,
            SALES_CHANNEL_ID,
            INVOICE_DETAILS,
        ],
        "invoice",
    ),
    list(
        "project_management_list_shipments",
        "List shipments",
        "Lists a company's shipments between warehouses (such as to Amazon FBA), newest first, \
         with reference number, dates, origin, destination, tracking number and a link in \
         NeonPanel. Filter by text, warehouses and date.",
        SHIPMENTS,
        &[COMPANY_UUID, SEARCH, WAREHOUSES, START_DATE, END_DATE],
        "shipment",
        "shipments",
    ),
    record(
        "project_management_get_shipments",
        "Get shipment",
        "Returns one shipment with its items (units shipped and received), warehouses, carrier \
         and tracking number.",
        HttpMethod::Get,
        SHIPMENT,
        &[COMPANY_UUID, SHIPMENT_ID],
        "shipment",
    ),
    record(
        "project_management_create_shipments",
        "Create shipment",
        "Creates a manual shipment between two warehouses and returns it.",
        HttpMethod::Post,
        SHIPMENTS,
        &[
            COMPANY_UUID,
            REF_NUMBER.required(),
            NAME,
            SHIPMENT_FIELDS[0],
            SHIPMENT_FIELDS[1],
            SHIPMENT_FIELDS[2],
            SHIPMENT_FIELDS[3],
            SHIPMENT_FIELDS[4],
            SHIPMENT_FIELDS[5],
            SHIPMENT_FIELDS[6],
            SHIPMENT_FIELDS[7],
            SHIPMENT_FIELDS[8],
        ],
        "shipment",
    ),
    record(
        "project_management_update_shipments",
        "Update shipment",
        "Changes a shipment and returns it. Only the fields given change; `items` replaces every \
         line item. The reference number cannot change.",
        HttpMethod::Put,
        SHIPMENT,
        &[
            COMPANY_UUID,
            SHIPMENT_ID,
            NAME,
            SHIPMENT_FIELDS[0],
            SHIPMENT_FIELDS[1],
            SHIPMENT_FIELDS[2],
            SHIPMENT_FIELDS[3],
            SHIPMENT_FIELDS[4],
            SHIPMENT_FIELDS[5],
            SHIPMENT_FIELDS[6],
            SHIPMENT_FIELDS[7],
            SHIPMENT_FIELDS[8],
        ],
        "shipment",
    ),
    list(
        "project_management_list_services",
        "List services",
        "Lists a company's services (such as freight, duties or product sales) with numeric \
         `id`, name and group. Bill, invoice and adjustment lines name a service by this `id`.",
        "/api/v1/companies/{companyUuid}/services",
        &[
            COMPANY_UUID,
            ParamSpec::query("search", TEXT, "Free text matched against service names."),
            LOOKUP_PER_PAGE,
        ],
        "service",
        "services",
    ),
    ToolSpec {
        name: "project_management_list_sales_channels",
        title: "List sales channels",
        description: "Lists the sales channels (such as Amazon or Shopify) with numeric `id` and \
            name. Use an `id` as `sales_channel_id` on invoices.",
        method: HttpMethod::Get,
        path: "/api/v1/sales-channels",
        params: &[],
        summary: Summary::Records {
            singular: "sales channel",
            plural: "sales channels",
        },
        output: Output::List,
    },
    ToolSpec {
        name: "project_management_list_payment_terms",
        title: "List payment terms",
        description: "Lists a company's payment terms with numeric `id`, name and installment \
            schedule. Use an `id` as `payment_term_id` on orders and bills.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/payment-terms",
        params: &[COMPANY_UUID],
        summary: Summary::Records {
            singular: "payment term",
            plural: "payment terms",
        },
        output: Output::List,
    },
    list(
        "project_management_list_adjustments",
        "List adjustments",
        "Lists a company's inventory adjustments (stock written off or found, such as damaged \
         goods), newest first, with reference number, reason, date, amount and a link in \
         NeonPanel. Filter by text and date.",
        ADJUSTMENTS,
        &[COMPANY_UUID, SEARCH, START_DATE, END_DATE],
        "adjustment",
        "adjustments",
    ),
    record(
        "project_management_get_adjustments",
        "Get adjustment",
        "Returns one adjustment with its lines (inventory item, service, quantity, rate) and \
         warehouse.",
        HttpMethod::Get,
        ADJUSTMENT,
        &[COMPANY_UUID, ADJUSTMENT_ID],
        "adjustment",
    ),
    record(
        "project_management_create_adjustments",
        "Create adjustment",
        "Creates an inventory adjustment and returns it. Each line names the inventory item, a \
         service from project_management_list_services, the units and the unit cost.",
        HttpMethod::Post,
        ADJUSTMENTS,
        &[
            COMPANY_UUID,
            REF_NUMBER.required(),
            NAME,
            ADJUSTMENT_DATE,
            MARKET,
            DOCUMENT_CURRENCY,
            ADJUSTMENT_REASON,
            WAREHOUSE_ID,
            ADJUSTMENT_DETAILS,
        ],
        "adjustment",
    ),
    record(
        "project_management_update_adjustments",
        "Update adjustment",
        "Changes an adjustment and returns it. Only the fields given change; `details` replaces \
         every line and recomputes the amount. The reference number cannot change.",
        HttpMethod::Put,
        ADJUSTMENT,
        &[
            COMPANY_UUID,
            ADJUSTMENT_ID,
            NAME,
            ADJUSTMENT_DATE,
            MARKET,
            DOCUMENT_CURRENCY,
            ADJUSTMENT_REASON,
            WAREHOUSE_ID,
            ADJUSTMENT_DETAILS,
        ],
        "adjustment",
    ),
];
