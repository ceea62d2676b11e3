export { QuantileSketch } from './quantile-sketch';
