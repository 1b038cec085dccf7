-- Reserved for the balance work; filled in when it lands.
SELECT 1;
