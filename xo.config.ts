import {type FlatXoConfig} from 'xo';

const xoConfig: FlatXoConfig = [
	{
		ignores: ['dist/**', 'test/fixtures/**'],
	},
	{
		react: true,
		prettier: true,
		rules: {
			'react/prop-types': 'off',
			'react/require-default-props': 'off',
			'unicorn/prevent-abbreviations': 'off',
			'unicorn/no-process-exit': 'off',
			'no-await-in-loop': 'off',
			'@typescript-eslint/naming-convention': 'off',
			'unicorn/no-array-reduce': 'off',
			'no-control-regex': 'off',
			'unicorn/prefer-string-raw': 'off',
			'complexity': 'off',
			'max-depth': 'off',
			'max-params': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
			'n/prefer-global/process': 'off',
			'unicorn/text-encoding-identifier-case': 'off',
		},
	},
];

export default xoConfig;
