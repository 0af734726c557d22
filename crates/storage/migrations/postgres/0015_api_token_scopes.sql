-- API tokens carry scopes, chosen when a token is made: `reports:write`, `read`,
-- `admin` (comma-separated, as `Scopes` writes them). Tokens made before scopes existed
-- keep working for what they could do: each gets every scope its holder's roles allow
-- today (`read`; `reports:write` for a reporter; `admin` for an admin). A token with
-- no scopes can do nothing.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET scopes =
    CASE WHEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = api_tokens.user_id AND r.role = 'reporter')
         THEN 'reports:write,' ELSE '' END
    || 'read'
    || CASE WHEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = api_tokens.user_id
                         AND r.role IN ('org_admin', 'platform_admin'))
            THEN ',admin' ELSE '' END;
