-- Reserved for the circles work; filled in when it lands.
SELECT 1;
