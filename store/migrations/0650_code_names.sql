-- Departments and business types as managed lists (issue 17): the API keeps the codes
-- (`sales`, `real_estate`); pages and messages show the name in the reader's language.
-- Set by operations (PUT /v1/departments/{code}, PUT /v1/business-types/{code},
-- `jindu names set`); a code nobody named yet reads as itself.
CREATE TABLE code_names (
    list        text NOT NULL CHECK (list IN ('department', 'business_type')),
    code        text NOT NULL,
    name_zh     text NOT NULL,
    name_en     text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text,
    PRIMARY KEY (list, code)
);

INSERT INTO code_names (list, code, name_zh, name_en) VALUES
    ('department', 'sales', '销售部', 'Sales'),
    ('department', 'loans', '贷款部', 'Loans'),
    ('department', 'finance', '金融部', 'Finance'),
    ('department', 'legal', '法务部', 'Legal'),
    ('business_type', 'real_estate', '房产中介', 'Real estate'),
    ('business_type', 'property_sale', '房产买卖', 'Property sale'),
    ('business_type', 'rental', '房屋租赁', 'Rental'),
    ('business_type', 'loan', '贷款中介', 'Loan'),
    ('business_type', 'finance', '金融中介', 'Finance'),
    ('business_type', 'talent', '人才中介', 'Talent'),
    ('business_type', 'recruitment', '招聘', 'Recruitment');

-- Codes already in use keep reading as themselves until operations name them.
INSERT INTO code_names (list, code, name_zh, name_en)
SELECT 'department', department, department, department FROM (
    SELECT department FROM users WHERE department IS NOT NULL
    UNION SELECT department FROM projects) d
ON CONFLICT DO NOTHING;
INSERT INTO code_names (list, code, name_zh, name_en)
SELECT DISTINCT 'business_type', business_type, business_type, business_type FROM projects
ON CONFLICT DO NOTHING;
