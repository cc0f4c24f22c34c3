//! Companies, permissions and reports of the NeonPanel account.

use super::{COMPANY_UUID, ID, NON_EMPTY, PAGE, PER_PAGE};
use crate::tools::spec::{HttpMethod, Output, ParamKind, ParamSpec, Summary, ToolSpec};

pub(super) static TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "account_list_companies",
        title: "List companies",
        description: "Lists the NeonPanel companies this connection can access, one page at a \
            time. Call this first: most tools need a company, passed as `companyUuid` (the \
            company's `uuid`, or its numeric `id`). Each company also carries its currency and \
            timezone.",
        method: HttpMethod::Get,
        path: "/api/v1/companies",
        params: &[PAGE, PER_PAGE],
        summary: Summary::Records {
            singular: "company",
            plural: "companies",
        },
        output: Output::Page,
    },
    ToolSpec {
        name: "account_list_permissions",
        title: "List permissions",
        description: "Lists the names of the permissions this connection holds across NeonPanel, \
            such as which document types it may view or edit. Pass one of these names to \
            account_get_companies_with_permission to see where it applies.",
        method: HttpMethod::Get,
        path: "/api/v1/permissions",
        params: &[],
        summary: Summary::Count {
            key: "permissions",
            singular: "permission",
            plural: "permissions",
        },
        output: Output::Object,
    },
    ToolSpec {
        name: "account_get_companies_with_permission",
        title: "List companies with a permission",
        description: "Lists the companies in which this connection holds one permission. Get \
            permission names from account_list_permissions. Narrow the answer to some companies \
            with `company_uuids`.",
        method: HttpMethod::Get,
        path: "/api/v1/permissions/{permission}/companies",
        params: &[
            ParamSpec::path(
                "permission",
                NON_EMPTY,
                "A permission name from account_list_permissions.",
            ),
            ParamSpec::query(
                "company_uuids",
                ParamKind::StringList { values: None },
                "Only check these companies, by `uuid` from account_list_companies.",
            ),
        ],
        summary: Summary::Count {
            key: "companies",
            singular: "company",
            plural: "companies",
        },
        output: Output::Object,
    },
    ToolSpec {
        name: "account_list_company_permissions",
        title: "List a company's permissions",
        description: "Lists the permissions this connection holds in one company. Use it before \
            a write tool to check that the change is allowed there.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/permissions",
        params: &[COMPANY_UUID],
        summary: Summary::Count {
            key: "permissions",
            singular: "permission",
            plural: "permissions",
        },
        output: Output::Object,
    },
    ToolSpec {
        name: "account_list_reports",
        title: "List reports",
        description: "Lists the reports NeonPanel offers, with their numeric `id`, title, group \
            and a link to open them in NeonPanel. Pass an `id` to account_get_report_details for \
            its sheets.",
        method: HttpMethod::Get,
        path: "/api/v1/reports",
        params: &[],
        summary: Summary::Records {
            singular: "report",
            plural: "reports",
        },
        output: Output::List,
    },
    ToolSpec {
        name: "account_get_report_details",
        title: "Get report details",
        description: "Returns one report with its description, link and the sheets it contains.",
        method: HttpMethod::Get,
        path: "/api/v1/reports/{reportId}",
        params: &[ParamSpec::path(
            "reportId",
            ID,
            "Numeric `id` of the report, from account_list_reports.",
        )],
        summary: Summary::Record { noun: "report" },
        output: Output::Object,
    },
];
