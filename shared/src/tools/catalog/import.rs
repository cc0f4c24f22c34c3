//! Creating documents from structured data or from PDF files, and checking
//! the progress of such imports.

use super::{COMPANY_UUID, NON_EMPTY, TEXT};
use crate::tools::spec::{HttpMethod, Output, ParamKind, ParamSpec, Summary, ToolSpec};

/// The document types NeonPanel imports. Only bills so far.
const IMPORT_TYPE: ParamSpec = ParamSpec::path(
    "type",
    ParamKind::Enum {
        values: &["bill"],
        default: None,
    },
    "The kind of document to import. NeonPanel imports bills only so far.",
);

pub(super) static TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "import_get_instructions",
        title: "Get import instructions",
        description: "Explains how to describe documents of one type for \
            import_create_documents: each attribute with its meaning, and general rules. Read \
            this before building the `data` of an import.",
        method: HttpMethod::Get,
        path: "/api/v1/import/{type}/instructions",
        params: &[IMPORT_TYPE],
        summary: Summary::Fixed("import instructions"),
        output: Output::Object,
    },
    ToolSpec {
        name: "import_create_documents",
        title: "Import documents from data",
        description: "Creates documents, such as bills with their line items, from structured \
            data that follows import_get_instructions. Returns the import's `request_id`, its \
            status and the documents created so far; while the status is queued or processing, \
            poll import_check_status.",
        method: HttpMethod::Post,
        path: "/api/v1/companies/{companyUuid}/create/{type}",
        params: &[
            COMPANY_UUID,
            IMPORT_TYPE,
            ParamSpec::body(
                "data",
                ParamKind::AnyObject,
                "The document with its line items, shaped as import_get_instructions describes.",
            )
            .required(),
        ],
        summary: Summary::Import,
        output: Output::Object,
    },
    ToolSpec {
        name: "import_create_documents_by_pdf",
        title: "Import documents from a PDF",
        description: "Creates documents by reading them from a PDF that NeonPanel downloads from \
            a short-lived link. Processing takes a while: the result carries a `request_id`; wait \
            about 15 seconds, then poll import_check_status with it.",
        method: HttpMethod::Post,
        path: "/api/v1/companies/{companyUuid}/import/{type}/pdf",
        params: &[
            COMPANY_UUID,
            IMPORT_TYPE,
            ParamSpec::query(
                "filename",
                TEXT,
                "Name of the PDF file, such as invoice-1042.pdf.",
            ),
            ParamSpec::body(
                "file",
                ParamKind::Object {
                    fields: &[
                        ParamSpec::body("name", NON_EMPTY, "The file's original name.").required(),
                        ParamSpec::body(
                            "link",
                            NON_EMPTY,
                            "An https URL from which NeonPanel can download the PDF for a \
                             short while.",
                        )
                        .required(),
                    ],
                },
                "The PDF to read, as a name and a download link.",
            )
            .required(),
        ],
        summary: Summary::Import,
        output: Output::Object,
    },
    ToolSpec {
        name: "import_check_status",
        title: "Check import status",
        description: "Returns the status of an import started by import_create_documents or \
            import_create_documents_by_pdf (queued, processing, done or error) and the documents \
            it created.",
        method: HttpMethod::Get,
        path: "/api/v1/companies/{companyUuid}/import/{type}/status/{requestId}",
        params: &[
            COMPANY_UUID,
            IMPORT_TYPE,
            ParamSpec::path(
                "requestId",
                NON_EMPTY,
                "The `request_id` the import tool returned.",
            ),
        ],
        summary: Summary::Import,
        output: Output::Object,
    },
];
