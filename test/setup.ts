// Ink reads CI at import time and then draws no intermediate frames (feasibility.md, section 1).
process.env['CI'] = 'false';
(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT =
	true;
