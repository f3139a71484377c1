/**
 * PROVISIONAL hand-written schema in the shape openapi-typescript emits.
 * It is overwritten by `npm run gen:api` once the backend exports var/openapi.json.
 * Only `components["schemas"]` is used by the front end (see src/api/types.ts).
 */

export type paths = Record<string, never>;
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Error body of every 4xx/5xx answer. */
        ErrorResponse: {
            code: string;
            message: string;
            params?: {
                [key: string]: unknown;
            };
            request_id?: string | null;
        };
        LoginRequest: {
            username: string;
            password: string;
            totp_code?: string | null;
        };
        PasswordChange: {
            old_password: string;
            new_password: string;
        };
        PasswordReset: {
            new_password: string;
        };
        Scope: {
            /** @enum {string} */
            kind: "all" | "site" | "area" | "department";
            ref_id: number | null;
        };
        Me: {
            id: number;
            username: string;
            display_name: string;
            locale: string;
            roles: string[];
            permissions: string[];
            scopes: components["schemas"]["Scope"][];
            must_change_password: boolean;
        };
        User: {
            id: number;
            username: string;
            display_name: string;
            email: string | null;
            phone: string | null;
            department_id: number | null;
            is_active: boolean;
            locked_until: string | null;
            roles: string[];
            scopes: components["schemas"]["Scope"][];
            /** Format: date-time */
            created_at: string;
            last_login_at: string | null;
        };
        UserPage: {
            items: components["schemas"]["User"][];
            total: number;
            page: number;
            page_size: number;
        };
        UserCreate: {
            username: string;
            display_name: string;
            password: string;
            email?: string | null;
            phone?: string | null;
            department_id?: number | null;
        };
        UserUpdate: {
            display_name?: string | null;
            email?: string | null;
            phone?: string | null;
            department_id?: number | null;
            is_active?: boolean | null;
        };
        UserRolesUpdate: {
            roles: string[];
        };
        UserScopesUpdate: {
            scopes: components["schemas"]["Scope"][];
        };
        Role: {
            code: string;
            name_zh: string;
            name_en: string;
            builtin: boolean;
            duty: ("system" | "security" | "audit") | null;
            permissions: string[];
        };
        Permission: {
            code: string;
            module: string;
            name_zh: string;
            name_en: string;
        };
        AuditEntry: {
            seq: number;
            ts: string;
            actor_username: string | null;
            action: string;
            target_type: string | null;
            target_id: string | null;
            ip: string | null;
            /** @enum {string} */
            result: "ok" | "denied" | "failed";
            detail: {
                [key: string]: unknown;
            };
        };
        AuditPage: {
            items: components["schemas"]["AuditEntry"][];
            total: number;
            page: number;
            page_size: number;
        };
        AuditVerify: {
            ok: boolean;
            checked: number;
            first_bad_seq: number | null;
        };
        Site: {
            id: number;
            code: string;
            name: string;
            width_m: number;
            height_m: number;
            drawing_url: string | null;
        };
        AreaProperties: {
            id: number;
            code: string;
            name: string;
            kind: string;
            colour: string | null;
        };
        AreaGeometry: {
            /** @enum {string} */
            type: "Polygon";
            coordinates: number[][][];
        };
        AreaFeature: {
            /** @enum {string} */
            type: "Feature";
            geometry: components["schemas"]["AreaGeometry"];
            properties: components["schemas"]["AreaProperties"];
        };
        AreaFeatureCollection: {
            /** @enum {string} */
            type: "FeatureCollection";
            features: components["schemas"]["AreaFeature"][];
        };
        SiteMap: {
            site: components["schemas"]["Site"];
            areas: components["schemas"]["AreaFeatureCollection"];
        };
        Department: {
            id: number;
            code: string;
            name: string;
            parent_id: number | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
