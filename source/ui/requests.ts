/** Side effects the reducer asks for (the hook runs each exactly once, in order). */
export type Request =
	| {
			readonly id: number;
			readonly kind: 'copy';
			readonly text: string;
			readonly index: number;
	  }
	| {readonly id: number; readonly kind: 'export'}
	| {
			readonly id: number;
			readonly kind: 'quit';
			readonly interrupted: boolean;
			/** Then open the labs catalogue (the start screen's "Labs" line). */
			readonly next?: 'labs';
	  }
	| {readonly id: number; readonly kind: 'parse'; readonly text: string}
	| {readonly id: number; readonly kind: 'practice'}
	| {
			readonly id: number;
			readonly kind: 'server';
			readonly destination: string;
			/** The fork's run number (ServerView.run): the result comes back with it. */
			readonly run: number;
	  };

export type RequestBody = Request extends infer R
	? R extends {id: number}
		? Omit<R, 'id'>
		: never
	: never;

/** Queue a request (the last 20 are kept: the hook has run the older ones). */
export function request<
	S extends {
		readonly requests: readonly Request[];
		readonly nextRequest: number;
	},
>(state: S, body: RequestBody): S {
	const entry: Request = {...body, id: state.nextRequest};
	return {
		...state,
		requests: [...state.requests.slice(-19), entry],
		nextRequest: state.nextRequest + 1,
	};
}
