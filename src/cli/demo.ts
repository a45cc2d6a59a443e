// Placeholder entry point for `npm start`; replaced by the store demo and then the fleet demo.
console.log('corro: foundation only so far; see README.md');
