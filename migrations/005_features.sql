-- Reserved for the features work; filled in when it lands.
SELECT 1;
